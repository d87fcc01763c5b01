"""Bearer tokens: a YAML file of {name, role, sha256}. Plaintext tokens are shown once, never stored or logged.

    python -m api.tokens add alice agent      # prints alice's new token once
    python -m api.tokens list                 # names and roles only
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import secrets
import sys
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.secret_files import write_owner_only

TOKEN_PREFIX = "esc_"
DEV_TOKENS = {"dev-service": "service", "dev-agent": "agent", "dev-ops": "ops"}


class Role(StrEnum):
    service = "service"  # backend services: open issues, relay what the customer did, read
    agent = "agent"  # support staff: act on issues, read
    ops = "ops"  # everything


class TokenEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", description="the actor on the timeline")
    role: Role
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the token")


class TokenFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: list[TokenEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> TokenFile:
        names = [entry.name for entry in self.tokens]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate token names: {', '.join(duplicates)}")
        return self


class TokenFileError(ValueError):
    """The token file is missing, unreadable or invalid; the message names the file."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenStore:
    """Who a presented token belongs to, by comparing hashes in constant time."""

    def __init__(self, entries: list[TokenEntry]) -> None:
        self._entries = list(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def identify(self, token: str) -> TokenEntry | None:
        digest = hash_token(token).encode()
        found = None
        for entry in self._entries:  # no early exit: the time taken does not depend on which entry matches
            if hmac.compare_digest(digest, entry.sha256.encode()):
                found = entry
        return found


def read_token_file(path: Path) -> TokenFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TokenFileError(f"{path}: no token file; `make run` creates a development one, "
                             f"`python -m api.tokens add NAME ROLE` adds a token") from None
    except OSError as exc:
        raise TokenFileError(f"{path}: cannot read token file: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise TokenFileError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return TokenFile.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()]
        raise TokenFileError(f"{path}: invalid token file:\n" + "\n".join(lines)) from None


def load_tokens(path: Path) -> TokenStore:
    return TokenStore(read_token_file(path).tokens)


def _write_token_file(path: Path, content: TokenFile) -> None:
    """Atomically, readable by the owner only."""
    write_owner_only(path, "# API tokens, stored as SHA-256 hashes. Add one: python -m api.tokens add NAME ROLE\n"
                     + yaml.safe_dump(content.model_dump(mode="json"), sort_keys=False))


def add_token(path: Path, name: str, role: Role | str) -> str:
    """Add a token for `name` and answer its plaintext (the only time it is seen)."""
    current = read_token_file(path) if path.exists() else TokenFile()
    token = new_token()
    try:
        updated = TokenFile(tokens=[*current.tokens, TokenEntry(name=name, role=Role(role), sha256=hash_token(token))])
    except (ValidationError, ValueError) as exc:
        raise TokenFileError(f"{path}: cannot add {name!r}: {exc}") from None
    _write_token_file(path, updated)
    return token


def ensure_dev_tokens(path: Path) -> dict[str, str] | None:
    """On first start, create a development token file; answer the plaintext tokens, or None if one exists."""
    if path.exists():
        return None
    tokens = {name: new_token() for name in DEV_TOKENS}
    _write_token_file(path, TokenFile(tokens=[TokenEntry(name=name, role=Role(role), sha256=hash_token(tokens[name]))
                                              for name, role in DEV_TOKENS.items()]))
    return tokens


def main(argv: list[str] | None = None) -> int:
    from config.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m api.tokens", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=None, help="token file (default: settings token_path)")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a token and print it once")
    add.add_argument("name")
    add.add_argument("role", choices=[role.value for role in Role])
    sub.add_parser("list", help="names and roles")
    args = parser.parse_args(argv)
    path = args.file or get_settings().token_path
    try:
        if args.command == "add":
            print(add_token(path, args.name, args.role))
        else:
            for entry in read_token_file(path).tokens:
                print(f"{entry.name}\t{entry.role.value}")
    except TokenFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
