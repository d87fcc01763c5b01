"""Page tokens: Temporal's opaque token as URL-safe text, checked before it goes back to Temporal.

A garbled token would make Temporal retry for seconds and then fail; a checksum lets us answer 422 at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from api.errors import invalid_field

_CHECK = 6  # bytes of SHA-256 appended to the raw token


def encode_page_token(raw: bytes | None) -> str | None:
    if not raw:
        return None
    return base64.urlsafe_b64encode(raw + hashlib.sha256(raw).digest()[:_CHECK]).decode().rstrip("=")


def decode_page_token(text: str | None) -> bytes | None:
    if not text:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        data = b""
    raw, check = data[:-_CHECK], data[-_CHECK:]
    if not raw or hashlib.sha256(raw).digest()[:_CHECK] != check:
        raise invalid_field("next_page_token", "query", "not a page token this API handed out", "invalid_page_token")
    return raw
