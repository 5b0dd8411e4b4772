"""Keys against the real OS keyring: gnome-keyring's Secret Service on the test bed's bus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import APP_ID
from reader.errors import UsageError
from reader.keys.redact import Redactor
from reader.keys.store import KeyringUnavailable, KeyStore, account, host_of, mask
from tests.conftest import require
from tests.helpers.cli import reader, speak
from tests.helpers.fake_server import FakeSpeechServer

KEY = "sk-test-KEY-0123456789-abcdefXYZ"


@pytest.fixture
def secret_service() -> None:
    reachable = (
        subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.DBus.Peer.Ping",
            ],
            capture_output=True,
        )
        if shutil.which("dbus-send")
        else None
    )
    require(reachable is not None and reachable.returncode == 0, "gnome-keyring's Secret Service")


@pytest.fixture
def store(secret_service) -> Iterator[KeyStore]:
    store = KeyStore(Redactor(), environ={})
    yield store
    for provider, base_url in (
        ("openai", None),
        ("gemini", None),
        ("openai-compatible", "http://127.0.0.1:8880/v1"),
        ("openai-compatible", "http://127.0.0.2:9999/v1"),
        ("elevenlabs", None),
    ):
        store.delete(provider, base_url)


def test_round_trip_and_delete(store: KeyStore) -> None:
    store.save("openai", KEY)
    key = store.get("openai")
    assert key is not None and key.value == KEY and key.source == "keyring"
    assert str(key) == "…fXYZ" and KEY not in repr(key)
    assert store.delete("openai") is True
    assert store.get("openai") is None
    assert store.delete("openai") is False


@pytest.mark.parametrize("value", ["ключ-🔑-密钥-κλειδί-0123", "k" * 4096])
def test_unicode_and_4kb_keys(store: KeyStore, value: str) -> None:
    store.save("gemini", value)
    key = store.get("gemini")
    assert key is not None and key.value == value


def test_keys_are_scoped_to_their_host(store: KeyStore) -> None:
    store.save("openai-compatible", KEY, "http://127.0.0.1:8880/v1")
    assert store.get("openai-compatible", "http://127.0.0.1:8880/other") is not None
    assert store.get("openai-compatible", "http://127.0.0.2:9999/v1") is None
    assert store.get("openai-compatible") is None
    store.save("openai", KEY)
    assert store.get("openai", "https://api.openai.com/v1") is not None  # its own host
    assert store.get("openai", "http://127.0.0.2:9999/v1") is None  # never elsewhere


def test_keys_are_shared_with_other_secret_service_clients(store: KeyStore) -> None:
    """libsecret's secret-tool finds the key Reader saved, and Reader finds one that
    secret-tool saved under the attributes `keyring` writes."""
    require(shutil.which("secret-tool") is not None, "secret-tool (libsecret-tools)")
    store.save("openai", KEY)
    lookup = ["secret-tool", "lookup", "service", APP_ID, "username", "openai"]
    found = subprocess.run(lookup, capture_output=True, text=True, timeout=30)
    assert found.returncode == 0 and found.stdout.rstrip("\n") == KEY
    other = "gm-saved-by-secret-tool-0123"
    subprocess.run(
        [
            "secret-tool",
            "store",
            "--label",
            "Saved elsewhere",
            "service",
            APP_ID,
            "username",
            "gemini",
            "application",
            "Python keyring library",
        ],
        input=other,
        text=True,
        check=True,
        timeout=30,
    )
    key = store.get("gemini")
    assert key is not None and key.value == other and key.source == "keyring"
    assert store.delete("gemini") is True
    assert subprocess.run([*lookup[:-1], "gemini"], capture_output=True).returncode != 0


def test_linux_keys_go_through_keyrings_secret_service_encrypted(secret_service) -> None:
    """keyring's Secret Service backend (secretstorage) holds the keys, and the key
    crosses the bus only inside the encrypted session: dbus-monitor, watching the
    session bus while another process saves and reads a key, never sees its bytes."""
    require(shutil.which("dbus-monitor") is not None, "dbus-monitor (dbus-bin)")
    key = "el-key-on-the-bus-0123456789"
    script = (
        "import sys\n"
        "from reader.keys.store import KeyStore, os_keyring\n"
        "from reader.keys.redact import Redactor\n"
        "backend = os_keyring('hint')\n"
        "print(type(backend).__module__)\n"
        "store = KeyStore(Redactor(), environ={})\n"
        f"store.save('elevenlabs', {key!r})\n"
        f"assert store.get('elevenlabs').value == {key!r}\n"
        "assert store.delete('elevenlabs')\n"
    )
    monitor = subprocess.Popen(
        [
            "dbus-monitor",
            "--session",
            "interface='org.freedesktop.Secret.Service'",
            "interface='org.freedesktop.Secret.Collection'",
            "interface='org.freedesktop.Secret.Item'",
            "type='method_return'",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        time.sleep(0.5)  # the monitor is attached before the first call
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        time.sleep(0.5)
    finally:
        monitor.terminate()
        watched = monitor.communicate(timeout=10)[0]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "keyring.backends.SecretService"
    assert "CreateItem" in watched and "GetSecret" in watched  # the monitor saw the calls
    assert "dh-ietf1024-sha256-aes128-cbc-pkcs7" in watched
    assert key not in watched and key.encode().hex() not in "".join(watched.split())


def test_keys_saved_by_the_earlier_reader_are_found(store: KeyStore) -> None:
    """Readers before this one wrote keys themselves over jeepney, in the spec's "plain"
    session, with keyring's attributes and content type: such an item is read, listed
    by secret-tool, and deleted by this Reader."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    old_key = "sk-saved-by-reader-0.1-0123"
    service = DBusAddress(
        "/org/freedesktop/secrets", "org.freedesktop.secrets", "org.freedesktop.Secret.Service"
    )
    with open_dbus_connection("SESSION") as bus:

        def call(address: DBusAddress, method: str, signature: str, *body):
            reply = bus.send_and_get_reply(new_method_call(address, method, signature, body))
            assert reply.header.message_type.name == "method_return", reply.body
            return reply.body

        _output, session = call(service, "OpenSession", "sv", "plain", ("s", ""))
        (collection,) = call(service, "ReadAlias", "s", "default")
        prefix = "org.freedesktop.Secret."
        call(
            DBusAddress(collection, "org.freedesktop.secrets", prefix + "Collection"),
            "CreateItem",
            "a{sv}(oayays)b",
            {
                prefix + "Item.Label": ("s", f"Password for 'openai' on '{APP_ID}'"),
                prefix + "Item.Attributes": (
                    "a{ss}",
                    {
                        "service": APP_ID,
                        "username": "openai",
                        "application": "Python keyring library",
                    },
                ),
            },
            (session, b"", old_key.encode(), "text/plain; charset=utf8"),
            True,
        )
    key = store.get("openai")
    assert key is not None and key.value == old_key and key.source == "keyring"
    lookup = ["secret-tool", "lookup", "service", APP_ID, "username", "openai"]
    if shutil.which("secret-tool"):
        assert subprocess.run(lookup, capture_output=True, text=True).stdout == old_key
    assert store.delete("openai") is True and store.get("openai") is None


@pytest.mark.parametrize(
    "backend", ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"]
)
def test_a_keyring_that_keeps_nothing_is_refused_in_one_line(secret_service, backend) -> None:
    """keyring's own setting (PYTHON_KEYRING_BACKEND) is honoured, and a backend that
    drops keys or fails every call is refused before a key is handed to it."""
    saved = reader("keys", "set", "openai", stdin=KEY, env={"PYTHON_KEYRING_BACKEND": backend})
    assert saved.returncode == 3, saved.stderr
    assert saved.stderr.count("\n") == 1 and "No OS keyring is available" in saved.stderr
    assert KEY not in saved.stdout + saved.stderr


def test_keyrings_own_config_file_is_honoured(secret_service, tmp_path: Path) -> None:
    config = tmp_path / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir()
    config.write_text("[backend]\ndefault-keyring=keyring.backends.null.Keyring\n")
    listed = reader("keys", "list", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert listed.returncode == 3 and "No OS keyring is available" in listed.stderr


def test_environment_key_only_for_the_official_host(secret_service) -> None:
    store = KeyStore(Redactor(), environ={"OPENAI_API_KEY": KEY})
    key = store.get("openai")
    assert key is not None and key.source == "environment" and key.origin == "OPENAI_API_KEY"
    assert store.get("openai", "https://api.openai.com/v1") is not None
    assert store.get("openai", "http://127.0.0.2:9999/v1") is None


def test_bad_keys_and_urls_are_refused(store: KeyStore) -> None:
    with pytest.raises(UsageError, match="empty"):
        store.save("openai", "  \n")
    with pytest.raises(UsageError, match="spaces"):
        store.save("openai", "two words")
    with pytest.raises(UsageError, match="not a server address"):
        account("openai-compatible", "127.0.0.1:8880")
    assert host_of("HTTP://LocalHost:8880/v1") == "localhost:8880"
    assert mask("abc") == "…"


def test_cli_set_list_delete(secret_service, tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert reader("keys", "set", "openai", stdin=KEY + "\n", env=env).returncode == 0
    url = "http://127.0.0.1:8880/v1"
    assert (
        reader("keys", "set", "openai-compatible", "--base-url", url, stdin=KEY, env=env).returncode
        == 0
    )
    listed = reader("keys", "list", env={**env, "GEMINI_API_KEY": "gm-env-key-5678"})
    assert listed.returncode == 0, listed.stderr
    lines = {
        line.split()[0] + (" " + line.split()[-1] if url in line else ""): line
        for line in listed.stdout.splitlines()
    }
    assert "keyring" in lines["openai"] and "…fXYZ" in lines["openai"]
    assert "environment" in lines["gemini"] and "(GEMINI_API_KEY)" in lines["gemini"]
    assert "…fXYZ" in lines[f"openai-compatible {url}"]
    assert KEY not in listed.stdout + listed.stderr and "gm-env-key-5678" not in listed.stdout
    assert reader("keys", "delete", "openai", env=env).returncode == 0
    assert reader("keys", "delete", "openai-compatible", "--base-url", url, env=env).returncode == 0
    gone = reader("keys", "delete", "openai", env=env)
    assert gone.returncode == 2 and "No key is saved for openai" in gone.stderr


def test_a_key_is_never_taken_from_the_command_line(secret_service) -> None:
    result = reader("keys", "set", "openai", KEY)
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr
    assert KEY not in result.stderr
    assert KeyStore(Redactor(), environ={}).get("openai") is None


def test_nothing_written_or_logged_holds_the_key(secret_service, tmp_path: Path) -> None:
    """Every file the app wrote (settings, the keyring's own file, exports) and all
    output, verbose included, are scanned for the key's bytes."""
    env = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "OPENAI_API_KEY": "sk-env-SECRET-4242424242",
    }
    with FakeSpeechServer() as server:
        outputs = [
            reader("--verbose", "keys", "set", "openai", stdin=KEY, env=env),
            reader(
                "--verbose",
                "keys",
                "set",
                "openai-compatible",
                "--base-url",
                server.url,
                stdin=KEY,
                env=env,
            ),
            reader("--verbose", "keys", "list", env=env),
            # A full reading that sends the key, exported, logged verbosely.
            speak(
                "openai-compatible",
                server.url,
                tmp_path / "cloud.flac",
                "Hello. Goodbye.",
                env=env,
                verbose=True,
            ),
            reader(
                "--verbose",
                "speak",
                "--no-play",
                "-o",
                str(tmp_path / "out.wav"),
                "Hello.",
                env=env,
            ),
        ]
        posts = [r for r in server.requests if r.method == "POST"]
        assert posts and all(r.headers.get("authorization") == f"Bearer {KEY}" for r in posts)
        reader("keys", "delete", "openai-compatible", "--base-url", server.url, env=env)
    try:
        assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        keyrings = Path(os.environ.get("XDG_DATA_HOME", "~/.local/share")).expanduser() / "keyrings"
        written += [p for p in keyrings.rglob("*") if p.is_file()]
        assert any(p.name == "settings.json" for p in written)
        assert any(p.suffix == ".keyring" for p in written)  # the keyring holds it, encrypted
        for secret in (KEY, "sk-env-SECRET-4242424242"):
            for path in written:
                assert secret.encode() not in path.read_bytes(), path
            for output in outputs:
                assert secret not in output.stdout + output.stderr
    finally:
        reader("keys", "delete", "openai", env=env)


def private_bus(
    script: str, tmp_path: Path, unlock: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `script` (bash) in a D-Bus session of its own with its own gnome-keyring."""
    require(shutil.which("dbus-run-session") is not None, "dbus-run-session")
    data = tmp_path / "data"
    data.mkdir()
    start = "eval \"$(printf 'pw' | gnome-keyring-daemon --unlock --components=secrets)\"\n"
    body = (start if unlock else "") + script
    env = {**os.environ, "XDG_DATA_HOME": str(data), "READER": sys.executable}
    env.pop("DISPLAY", None)  # no unlock prompt can be shown: unlocking is refused
    return subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", body],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_a_locked_keyring_is_reported_with_the_fix(tmp_path: Path) -> None:
    # Locked by another client (dbus-send), as a screen lock or `seahorse` would.
    result = private_bus(
        f'printf {KEY} | "$READER" -m reader keys set openai || exit 9\n'
        "dbus-send --session --print-reply --dest=org.freedesktop.secrets "
        "/org/freedesktop/secrets org.freedesktop.Secret.Service.Lock "
        "array:objpath:/org/freedesktop/secrets/collection/login > /dev/null || exit 8\n"
        '"$READER" -m reader keys list; echo "status=$?"\n',
        tmp_path,
    )
    assert "status=3" in result.stdout, result.stdout + result.stderr
    assert "the keyring is locked and was not unlocked" in result.stderr
    assert result.stderr.count("reader:") == 1  # asked once, reported once


def test_refused_unlock_is_reported(tmp_path: Path) -> None:
    # A session bus whose Secret Service has no unlocked collection, and no display for
    # the unlock prompt: unlocking is refused.
    result = private_bus(
        '"$READER" -m reader keys list; echo "status=$?"\n'
        'printf x1234567890 | "$READER" -m reader keys set openai; echo "set=$?"\n',
        tmp_path,
        unlock=False,
    )
    assert "status=3" in result.stdout and "set=3" in result.stdout, result.stdout + result.stderr
    assert "the keyring is locked and was not unlocked" in result.stderr


def test_no_secret_service_is_reported_and_the_environment_still_works() -> None:
    no_bus = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    listed = reader("keys", "list", env={**no_bus, "OPENAI_API_KEY": KEY})
    assert listed.returncode == 3
    assert "No OS keyring is available" in listed.stderr
    assert "environment" in listed.stdout.splitlines()[0]  # the environment key is listed
    saved = reader("keys", "set", "openai", stdin="x1234567890", env=no_bus)
    assert saved.returncode == 3 and "No OS keyring is available" in saved.stderr
    env_store = KeyStore(Redactor(), environ={"OPENAI_API_KEY": KEY}, backend=_Broken())
    key = env_store.get("openai")
    assert key is not None and key.source == "environment"
    with pytest.raises(KeyringUnavailable) as caught:
        env_store.get("gemini")
    # The terminal names its command; the window (Settings → Keys, the banner) does not.
    assert str(caught.value) == (
        "Cannot read the key: no Secret Service is reachable (is GNOME Keyring or KWallet "
        "running in this session?); start one, or put the key in the provider's environment "
        "variable (see `reader keys list`)."
    )
    assert caught.value.in_window == (
        "Cannot read the key: no Secret Service is reachable (is GNOME Keyring or KWallet "
        "running in this session?); start one, or put the key in the provider's environment "
        "variable."
    )


class _Broken:
    """A keyring whose every call fails the way a missing Secret Service does."""

    def get_password(self, service: str, name: str) -> str:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown: no secret service")


def test_a_plaintext_keyring_is_refused() -> None:
    from reader.keys.store import _refuse_insecure

    plaintext = type("PlaintextKeyring", (), {"__module__": "keyrings.alt.file"})()
    with pytest.raises(KeyringUnavailable, match="plain file"):
        _refuse_insecure(plaintext, "hint")
    failing = type("Keyring", (), {"__module__": "keyring.backends.fail"})()
    with pytest.raises(KeyringUnavailable, match="No OS keyring"):
        _refuse_insecure(failing, "hint")
