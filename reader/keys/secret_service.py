"""The freedesktop Secret Service (GNOME Keyring, KWallet, KeePassXC…) spoken over D-Bus.

Linux and the BSDs keep keys here. `keyring` reaches it through `secretstorage`, whose
encrypted transfer needs `cryptography`: 14 MB of the bundle for a step that protects
nothing here. The secret travels over the session bus, a socket only this user can
reach, to a peer that hands the same secret to any of this user's processes that ask.
So this module opens the spec's "plain" session, which every implementation must offer
(GitHub's `gh` reads its token the same way, through zalando/go-keyring), and talks to
the service through jeepney, which `secretstorage` is built on too.

Items carry the attributes `keyring` gives them (service, username, application), so a
key saved by an earlier Reader, or by `keyring set`, is found, and `secret-tool lookup
service … username …` finds Reader's.
"""

from __future__ import annotations

from typing import Any

from jeepney import DBusAddress, MatchRule, Message, Properties, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

BUS_NAME = "org.freedesktop.secrets"
PREFIX = "org.freedesktop.Secret."
SERVICE = DBusAddress("/org/freedesktop/secrets", BUS_NAME, PREFIX + "Service")
NO_OBJECT = "/"  # the spec's "no prompt needed" and "no such collection"
APPLICATION = "Python keyring library"  # what `keyring` writes, kept for its keys
CONTENT_TYPE = "text/plain; charset=utf8"
# An unlock prompt waits for a person to type a password; a call waits for the service.
PROMPT_TIMEOUT_S = 300.0
CALL_TIMEOUT_S = 25.0  # D-Bus's own default reply timeout
# The bus is there but no Secret Service answers on it, nor can be started.
UNREACHABLE_ERRORS = {
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.Spawn.ExecFailed",
    "org.freedesktop.DBus.Error.Spawn.ChildExited",
    "org.freedesktop.DBus.Error.NoReply",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
}


class SecretServiceError(Exception):
    """A Secret Service call failed; the message names the D-Bus error."""


class SecretServiceUnreachable(SecretServiceError):
    """No session bus, or nothing on it provides the Secret Service."""


class SecretServiceLocked(SecretServiceError):
    """The keyring is locked and the person dismissed (or could not see) the unlock prompt."""


class SecretService:
    """`get_password`, `set_password` and `delete_password`, as `keyring`'s backends name
    them, on the default collection. Each call opens its own short connection, so any
    thread may call, and nothing holds the bus between the rare times a key is needed."""

    def get_password(self, service: str, username: str) -> str | None:
        with _Session() as session:
            for item in session.search(_attributes(service, username)):
                return session.secret(item)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        with _Session() as session:
            attributes = {**_attributes(service, username), "application": APPLICATION}
            session.create(f"Password for '{username}' on '{service}'", attributes, password)

    def delete_password(self, service: str, username: str) -> None:
        """Deletes every item for the pair; none is not an error."""
        with _Session() as session:
            for item in session.search(_attributes(service, username)):
                session.delete(item)


def _attributes(service: str, username: str) -> dict[str, str]:
    return {"service": service, "username": username}


class _Session:
    """One connection and one "plain" Secret Service session on it, with the default
    collection unlocked."""

    def __init__(self) -> None:
        self._connection: DBusConnection | None = None
        self._session = NO_OBJECT
        self._collection = NO_OBJECT

    def __enter__(self) -> _Session:
        try:
            self._connection = open_dbus_connection("SESSION")
        except (OSError, KeyError, ValueError, TimeoutError) as error:
            # KeyError/ValueError: no or a malformed DBUS_SESSION_BUS_ADDRESS.
            raise SecretServiceUnreachable(f"no D-Bus session bus ({error})") from None
        try:
            _output, self._session = self._call(SERVICE, "OpenSession", "sv", "plain", ("s", ""))
            self._collection = self._unlocked_default_collection()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._connection is None:
            return
        if self._session != NO_OBJECT:
            try:
                self._call(_address(self._session, "Session"), "Close", "")
            except SecretServiceError:
                pass  # the connection's end closes the session too
        self._connection.close()
        self._connection = None

    def search(self, attributes: dict[str, str]) -> list[str]:
        (items,) = self._call(
            _address(self._collection, "Collection"), "SearchItems", "a{ss}", attributes
        )
        return list(items)

    def secret(self, item: str) -> str:
        try:
            ((_session, _params, value, _type),) = self._call(
                _address(item, "Item"), "GetSecret", "o", self._session
            )
        except SecretServiceLocked:
            self._unlock([item])  # KeePassXC may lock items one by one
            ((_session, _params, value, _type),) = self._call(
                _address(item, "Item"), "GetSecret", "o", self._session
            )
        return bytes(value).decode("utf-8")

    def create(self, label: str, attributes: dict[str, str], password: str) -> None:
        properties = {
            PREFIX + "Item.Label": ("s", label),
            PREFIX + "Item.Attributes": ("a{ss}", attributes),
        }
        secret = (self._session, b"", password.encode("utf-8"), CONTENT_TYPE)
        _item, prompt = self._call(
            _address(self._collection, "Collection"),
            "CreateItem",
            "a{sv}(oayays)b",
            properties,
            secret,
            True,  # replace the item with the same attributes
        )
        self._prompt(prompt)

    def delete(self, item: str) -> None:
        (prompt,) = self._call(_address(item, "Item"), "Delete", "")
        self._prompt(prompt)

    def _unlocked_default_collection(self) -> str:
        (collection,) = self._call(SERVICE, "ReadAlias", "s", "default")
        if collection == NO_OBJECT:
            # A fresh account has no keyring yet: the service asks for its password.
            label = {PREFIX + "Collection.Label": ("s", "Default keyring")}
            collection, prompt = self._call(SERVICE, "CreateCollection", "a{sv}s", label, "default")
            if collection == NO_OBJECT:
                collection = self._prompt(prompt)
            if not isinstance(collection, str) or collection == NO_OBJECT:
                raise SecretServiceLocked("creating a keyring was dismissed")
        properties = Properties(_address(collection, "Collection"))
        ((_signature, locked),) = self._send(properties.get("Locked"))
        if locked:
            self._unlock([collection])
        return str(collection)

    def _unlock(self, objects: list[str]) -> None:
        unlocked, prompt = self._call(SERVICE, "Unlock", "ao", objects)
        if prompt != NO_OBJECT:
            unlocked = self._prompt(prompt)
        if not isinstance(unlocked, list) or set(objects) - set(unlocked):
            raise SecretServiceLocked("the keyring is locked and the unlock was dismissed")

    def _prompt(self, prompt: str) -> Any:
        """Shows the service's prompt (unlock, new keyring password) and waits for the
        person; returns its result, or None when there was nothing to ask."""
        if prompt == NO_OBJECT:
            return None
        connection = self._live()
        address = _address(prompt, "Prompt")
        rule = MatchRule(
            type="signal", interface=PREFIX + "Prompt", member="Completed", path=prompt
        )
        # Some services broadcast Completed rather than send it to the caller.
        self._send(message_bus.AddMatch(rule))
        with connection.filter(rule) as completed:
            self._call(address, "Prompt", "s", "")  # "": no parent window to stack on
            try:
                signal = connection.recv_until_filtered(completed, timeout=PROMPT_TIMEOUT_S)
            except TimeoutError:
                self._call(address, "Dismiss", "")
                raise SecretServiceLocked("the unlock prompt was not answered") from None
        dismissed, (_signature, result) = signal.body
        if dismissed:
            raise SecretServiceLocked("the keyring is locked and the unlock prompt was dismissed")
        return result

    def _call(self, address: DBusAddress, method: str, signature: str, *body: Any) -> Any:
        return self._send(new_method_call(address, method, signature or None, body))

    def _send(self, message: Message) -> Any:
        try:
            reply = self._live().send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
            return unwrap_msg(reply)
        except DBusErrorResponse as error:
            raise _translate(error) from None
        except (OSError, TimeoutError) as error:
            raise SecretServiceUnreachable(f"the Secret Service did not answer ({error})") from None

    def _live(self) -> DBusConnection:
        if self._connection is None:
            raise SecretServiceError("the Secret Service session is closed")
        return self._connection


def _address(path: str, interface: str) -> DBusAddress:
    return DBusAddress(path, BUS_NAME, PREFIX + interface)


def _translate(error: DBusErrorResponse) -> SecretServiceError:
    name = str(error.name)
    detail = f"{name}: {error.data[0]}" if error.data else name
    if name in UNREACHABLE_ERRORS:
        return SecretServiceUnreachable(f"no Secret Service on the session bus ({detail})")
    if name == PREFIX + "Error.IsLocked":
        return SecretServiceLocked(f"the keyring is locked ({detail})")
    return SecretServiceError(detail)
