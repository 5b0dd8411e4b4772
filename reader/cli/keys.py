"""`reader keys set | delete | list`: keys in and out of the OS keyring, never via argv."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys

from reader.errors import UsageError
from reader.keys.store import (
    KEYED_PROVIDERS,
    SHARED_KEYS,
    KeyringUnavailable,
    KeyStore,
    account,
)
from reader.keys.transport import check_transport
from reader.settings import Endpoint, SettingsFile


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    keys = commands.add_parser("keys", help="save, delete or list API keys (OS keyring)")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    for name, text in (("set", "save a key, read from standard input"), ("delete", "delete a key")):
        action = actions.add_parser(name, help=text)
        action.add_argument("provider", metavar="ID", help="provider id (see `reader keys list`)")
        action.add_argument("--base-url", help="the server the key is for, if not the default")
    actions.add_parser("list", help="where each provider's key comes from, masked")


def run(args: argparse.Namespace, store: KeyStore, settings: SettingsFile) -> int:
    if args.keys_command == "list":
        return _list(store, settings)
    provider = _provider(args.provider)
    if args.base_url:
        check_transport(args.base_url)
    if args.keys_command == "set":
        key = _read_key(provider)
        name = store.save(provider, key, args.base_url)
        if args.base_url and name != provider:
            _remember_endpoint(settings, provider, args.base_url)
        print(f"Saved the key for {name} in the OS keyring.", file=sys.stderr)
        return 0
    if store.delete(provider, args.base_url):
        print(f"Deleted the key for {account(provider, args.base_url)}.", file=sys.stderr)
        return 0
    raise UsageError(f"No key is saved for {account(provider, args.base_url)}.")


def _provider(name: str) -> str:
    if name not in KEYED_PROVIDERS:
        raise UsageError(
            f"'{name}' takes no key. Providers with keys: {', '.join(KEYED_PROVIDERS)}."
        )
    if name in SHARED_KEYS:
        owner, why = SHARED_KEYS[name]
        print(f"{why}: this is the {owner} key.", file=sys.stderr)
        return owner
    return name


def _read_key(provider: str) -> str:
    # Never from argv: other users can read a process's arguments.
    if sys.stdin.isatty():
        return getpass.getpass(f"API key for {provider} (not shown): ")
    return sys.stdin.read()


def _remember_endpoint(settings_file: SettingsFile, provider: str, base_url: str) -> None:
    settings = settings_file.load()
    if any(e.provider == provider and e.base_url == base_url for e in settings.endpoints):
        return
    endpoint = Endpoint(account(provider, base_url), provider, base_url)
    settings_file.save(dataclasses.replace(settings, endpoints=(*settings.endpoints, endpoint)))


def _list(store: KeyStore, settings: SettingsFile) -> int:
    places: list[tuple[str, str | None]] = [(p, None) for p in KEYED_PROVIDERS]
    places += [(e.provider, e.base_url) for e in settings.load().endpoints]
    problem: KeyringUnavailable | None = None
    for provider, base_url in places:
        if provider in SHARED_KEYS:
            print(f"{provider:<18} the {SHARED_KEYS[provider][0]} key {base_url or ''}".rstrip())
            continue
        try:
            key = store.get(provider, base_url)
        except KeyringUnavailable as error:
            problem = error
            key = None
        where = base_url or ""
        if key is None:
            source = "unknown" if problem is not None else "-"
            print(f"{provider:<18} {source:<12} {'':<8} {where}".rstrip())
        else:
            origin = f" ({key.origin})" if key.source == "environment" else ""
            print(f"{provider:<18} {key.source:<12} {key.masked():<8} {where}{origin}".rstrip())
    if problem is not None:
        print(f"reader: {problem}", file=sys.stderr)
        return problem.exit_code
    return 0
