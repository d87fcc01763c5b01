"""The key ring: AES-256 keys by id, one of them active. Key material is never printed or logged.

    python -m codec.keys init            # create the key file with one active key (no-op if it exists)
    python -m codec.keys add             # add a new key, not yet active: roll it out to every process first
    python -m codec.keys activate KEY_ID # encrypt with KEY_ID from now on (older keys still decrypt)
    python -m codec.keys list            # key ids, and which one is active
"""

from __future__ import annotations

import argparse
import base64
import binascii
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from config.secret_files import write_owner_only
from config.settings import Settings

KEY_BYTES = 32  # AES-256
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CodecKeyError(ValueError):
    """The key configuration is missing, unreadable or invalid; the message says where, never the key."""


@dataclass(frozen=True)
class KeyRing:
    active: str
    keys: Mapping[str, bytes] = field(repr=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not KEY_ID_PATTERN.match(key_id):
                raise CodecKeyError(f"codec key id {key_id!r} is not valid: letters, digits, '.', '_', '-' (max 64)")
            if len(key) != KEY_BYTES:
                raise CodecKeyError(f"codec key {key_id!r} has {len(key)} bytes; it must be {KEY_BYTES} random bytes")
        if self.active not in self.keys:
            known = ", ".join(sorted(self.keys)) or "none"
            raise CodecKeyError(f"active codec key {self.active!r} is not among the known keys ({known})")


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_key_id(now: datetime | None = None) -> str:
    """Sortable by creation time, unique even within a second: `key-20260101-120000-3f9a`."""
    return "key-" + (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def decode_key(key_id: str, text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CodecKeyError(f"{where}: codec key {key_id!r} is not valid base64") from None


# --- the key file ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyFile:
    active: str | None
    keys: dict[str, str] = field(repr=False)  # key id -> base64


def read_key_file(path: Path) -> KeyFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodecKeyError(f"{path}: no codec key file; `python -m codec.keys init` creates one") from None
    except OSError as exc:
        raise CodecKeyError(f"{path}: cannot read codec key file: {exc.strerror or exc}") from None
    except yaml.YAMLError:
        raise CodecKeyError(f"{path}: codec key file is not valid YAML") from None
    raw = raw if raw is not None else {}
    if not isinstance(raw, dict) or not isinstance(raw.get("keys", {}), dict) or set(raw) - {"active", "keys"}:
        raise CodecKeyError(f"{path}: expected a mapping with `active: KEY_ID` and `keys: {{KEY_ID: base64}}`")
    active = raw.get("active")
    if active is not None and not isinstance(active, str):
        raise CodecKeyError(f"{path}: `active` must be a key id")
    keys = {str(k): v for k, v in (raw.get("keys") or {}).items()}
    for key_id, value in keys.items():
        if not isinstance(value, str):
            raise CodecKeyError(f"{path}: codec key {key_id!r} must be a base64 string")
    return KeyFile(active=active, keys=keys)


def write_key_file(path: Path, content: KeyFile) -> None:
    """Atomically, readable by the owner only."""
    write_owner_only(path, "# Payload encryption keys (AES-256-GCM), base64. Keep every key that encrypted data you "
                     "still need:\n# histories written with a key can only be read with it. Manage with "
                     "`python -m codec.keys`.\n"
                     + yaml.safe_dump({"active": content.active, "keys": dict(content.keys)}, sort_keys=False))


# --- from settings ----------------------------------------------------------------------------------
def keyring_from_settings(settings: Settings) -> KeyRing | None:
    """The configured key ring, or None when no key is configured (encryption off).

    Keys come from `codec_key_file` and `codec_keys` (env JSON); a configured but missing file is an error,
    never a silent fall-back to plaintext."""
    encoded: dict[str, tuple[str, str]] = {}
    active = None
    if settings.codec_key_file is not None:
        content = read_key_file(settings.codec_key_file)
        encoded.update({k: (v, str(settings.codec_key_file)) for k, v in content.keys.items()})
        active = content.active
    for key_id, secret in settings.codec_keys.items():
        encoded[key_id] = (secret.get_secret_value(), "ESCALATION_CODEC_KEYS")
    if not encoded:
        if settings.codec_active_key or settings.codec_key_file is not None:
            raise CodecKeyError("an active codec key is configured but there are no codec keys")
        return None
    active = settings.codec_active_key or active
    if active is None:
        if len(encoded) > 1:
            raise CodecKeyError(f"{len(encoded)} codec keys and no active one: set ESCALATION_CODEC_ACTIVE_KEY")
        active = next(iter(encoded))
    return KeyRing(active=active, keys={k: decode_key(k, v, where) for k, (v, where) in encoded.items()})


# --- command line --------------------------------------------------------------------------------------
def init(path: Path) -> str | None:
    """Create the key file with one active key; None if it already exists."""
    if path.exists():
        read_key_file(path)  # an existing but broken file is an error, not something to overwrite
        return None
    key_id = new_key_id()
    write_key_file(path, KeyFile(active=key_id, keys={key_id: encode_key(new_key())}))
    return key_id


def add(path: Path, key_id: str | None = None) -> str:
    content = read_key_file(path)
    key_id = key_id or new_key_id()
    if key_id in content.keys:
        raise CodecKeyError(f"{path}: codec key {key_id!r} already exists")
    if not KEY_ID_PATTERN.match(key_id):
        raise CodecKeyError(f"codec key id {key_id!r} is not valid: letters, digits, '.', '_', '-' (max 64)")
    write_key_file(path, KeyFile(active=content.active or key_id, keys={**content.keys, key_id: encode_key(new_key())}))
    return key_id


def activate(path: Path, key_id: str) -> None:
    content = read_key_file(path)
    if key_id not in content.keys:
        raise CodecKeyError(f"{path}: no codec key {key_id!r}; known: {', '.join(sorted(content.keys)) or 'none'}")
    write_key_file(path, KeyFile(active=key_id, keys=content.keys))


def main(argv: list[str] | None = None) -> int:
    from config.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m codec.keys", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=None, help="key file (default: ESCALATION_CODEC_KEY_FILE)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create the key file with one active key, unless it exists")
    sub.add_parser("add", help="add a key (not active yet)").add_argument("key_id", nargs="?")
    sub.add_parser("activate", help="encrypt with this key from now on").add_argument("key_id")
    sub.add_parser("list", help="key ids, the active one marked")
    args = parser.parse_args(argv)
    path = args.file or get_settings().codec_key_file
    if path is None:
        print("no key file: pass --file or set ESCALATION_CODEC_KEY_FILE", file=sys.stderr)
        return 2
    try:
        if args.command == "init":
            created = init(path)
            print(f"created {path} with active key {created}" if created else f"{path} exists; unchanged")
        elif args.command == "add":
            print(f"added key {add(path, args.key_id)}; restart every worker, API and codec server, then activate it")
        elif args.command == "activate":
            activate(path, args.key_id)
            print(f"key {args.key_id} is active; restart every worker, API and codec server")
        else:
            content = read_key_file(path)
            for key_id in content.keys:
                print(f"{'*' if key_id == content.active else ' '} {key_id}")
    except CodecKeyError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
