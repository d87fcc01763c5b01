"""AES-256-GCM payload codec: encrypt with the active key, decrypt with whichever key id a payload names.

An encrypted payload is `nonce (12 bytes) + ciphertext` of the whole original Payload (metadata included),
with metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`; the key id is authenticated too.
Payloads that are not encrypted pass through decode unchanged, so histories written before encryption was
turned on stay readable.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from codec.keys import KeyRing

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class PayloadDecryptionError(ValueError):
    """A payload cannot be decrypted: unknown key id, or tampered with / wrong key."""


def encrypt_payload(payload: Payload, key_id: str, cipher: AESGCM) -> Payload:
    nonce = os.urandom(NONCE_BYTES)
    key_id_bytes = key_id.encode()
    sealed = cipher.encrypt(nonce, payload.SerializeToString(), key_id_bytes)
    return Payload(metadata={"encoding": ENCODING, KEY_ID: key_id_bytes}, data=nonce + sealed)


def is_encrypted(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING


def decrypt_payload(payload: Payload, ciphers: dict[str, AESGCM]) -> Payload:
    key_id_bytes = payload.metadata.get(KEY_ID, b"")
    key_id = key_id_bytes.decode(errors="replace")
    cipher = ciphers.get(key_id)
    if cipher is None:
        raise PayloadDecryptionError(f"payload was encrypted with codec key {key_id!r}, which this process does "
                                     f"not have (known: {', '.join(sorted(ciphers))})")
    try:
        plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], key_id_bytes)
    except InvalidTag:
        raise PayloadDecryptionError(f"payload encrypted with codec key {key_id!r} does not authenticate: "
                                     "it was altered, or the key under that id is not the one that encrypted it") from None
    return Payload.FromString(plain)


class AesGcmCodec(PayloadCodec):
    def __init__(self, keyring: KeyRing) -> None:
        self.active_key = keyring.active
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}

    @property
    def key_ids(self) -> list[str]:
        return sorted(self._ciphers)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self.active_key]
        return [encrypt_payload(p, self.active_key, cipher) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [decrypt_payload(p, self._ciphers) if is_encrypted(p) else p for p in payloads]
