"""Who may use the codec endpoint: holders of an `ops` token from the API's token file (stored hashed).

The token comes as `Authorization: Bearer <token>` (Temporal CLI: `--codec-auth "Bearer <token>"`) or, for the
Temporal UI in a browser, as the HttpOnly cookie that `POST /login` sets. The file is re-read when it changes,
so a token added with `python -m api.tokens add NAME ops` works without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from api.tokens import Role, TokenFileError, TokenStore, load_tokens

COOKIE = "escalation_codec_token"


@dataclass(frozen=True)
class Verdict:
    status: int  # 200 allowed, 401 no or unknown token, 403 not an ops token
    detail: str
    name: str | None = None


class OpsTokens:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._store = TokenStore([])
        self.problem: str | None = None

    def _current(self) -> TokenStore:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                try:
                    self._store, self.problem = load_tokens(self.path), None
                except TokenFileError as exc:  # keep refusing everyone, and say why in the log
                    self._store, self.problem = TokenStore([]), str(exc)
                self._stamp = stamp
            return self._store

    def check(self, token: str | None) -> Verdict:
        if not token:
            return Verdict(401, "send `Authorization: Bearer <ops token>` or log in at /login")
        entry = self._current().identify(token)
        if entry is None:
            return Verdict(401, "unknown token")
        if entry.role is not Role.ops:
            return Verdict(403, f"role {entry.role.value!r} may not decode payloads; an ops token is needed")
        return Verdict(200, "ok", entry.name)


def presented_token(authorization: str | None, cookie: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return cookie or None
