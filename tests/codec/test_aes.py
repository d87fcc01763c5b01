"""The AES-GCM codec: round trip, key rotation, tampering, pass-through, and failures encoded too."""

from __future__ import annotations

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from codec.aes import ENCODING, KEY_ID, AesGcmCodec, PayloadDecryptionError
from codec.converter import data_converter_for, encrypting_converter
from config.settings import Settings
from tests.codec.conftest import codec_settings, keyring
from tests.conftest import make_issue

ISSUE = make_issue("CODEC-1")
SECRETS = (ISSUE.customer.name, ISSUE.customer.contact, ISSUE.subject)


def issue_payloads() -> list[Payload]:
    return pydantic_data_converter.payload_converter.to_payloads([ISSUE, "plain text about Maria"])


async def test_round_trip_hides_the_data_and_names_the_key():
    codec = AesGcmCodec(keyring("k1"))
    original = issue_payloads()
    sealed = await codec.encode(original)
    for payload in sealed:
        assert payload.metadata["encoding"] == ENCODING and payload.metadata[KEY_ID] == b"k1"
        for secret in (*SECRETS, "Maria"):
            assert secret.encode() not in payload.SerializeToString()
    assert await codec.decode(sealed) == original
    assert sealed[0].data != (await codec.encode(original))[0].data  # a fresh nonce every time


async def test_rotation_old_key_still_decrypts_new_key_encrypts():
    before = keyring("2025", active="2025")
    after = keyring("2026")
    rotated = AesGcmCodec(type(before)(active="2026", keys={**before.keys, **after.keys}))
    old = await AesGcmCodec(before).encode(issue_payloads())
    assert await rotated.decode(old) == issue_payloads()
    assert (await rotated.encode(issue_payloads()))[0].metadata[KEY_ID] == b"2026"
    with pytest.raises(PayloadDecryptionError, match="'2025'.*does not have"):
        await AesGcmCodec(after).decode(old)  # the old key was dropped too early: a clear error, not garbage


async def test_tampering_and_a_swapped_key_id_are_refused():
    ring = keyring("a", "b", active="a")
    codec = AesGcmCodec(ring)
    sealed = (await codec.encode(issue_payloads()))[0]
    flipped = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    with pytest.raises(PayloadDecryptionError, match="does not authenticate"):
        await codec.decode([flipped])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID: b"b"}, data=sealed.data)
    with pytest.raises(PayloadDecryptionError, match="'b' does not authenticate"):
        await codec.decode([relabelled])


async def test_unencrypted_payloads_pass_through_decode():
    """Histories written before encryption was turned on stay readable."""
    plain = issue_payloads()
    assert await AesGcmCodec(keyring("k1")).decode(plain) == plain


async def test_failure_messages_are_encrypted_and_restored():
    converter = encrypting_converter(keyring("k1"))
    failure = Failure()
    await converter.encode_failure(ApplicationError(f"mailbox {ISSUE.customer.contact} does not exist",
                                                    type="PermanentDeliveryError"), failure)
    assert failure.message == "Encoded failure"
    assert ISSUE.customer.contact.encode() not in failure.SerializeToString()
    restored = await converter.decode_failure(failure)
    assert isinstance(restored, ApplicationError) and ISSUE.customer.contact in restored.message


def test_encryption_is_off_without_keys_and_on_with_them():
    assert data_converter_for(Settings()) is pydantic_data_converter
    converter = data_converter_for(codec_settings(keyring("k1")))
    assert isinstance(converter.payload_codec, AesGcmCodec) and converter.payload_codec.active_key == "k1"
