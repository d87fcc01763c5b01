"""The data converter every client and worker uses: pydantic JSON, encrypted when a codec key is configured."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from codec.aes import AesGcmCodec
from codec.keys import KeyRing, keyring_from_settings
from config.settings import Settings


def encrypting_converter(keyring: KeyRing) -> DataConverter:
    """Payloads encrypted; failure messages and stack traces moved into an (encrypted) payload as well."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=AesGcmCodec(keyring),
                               failure_converter_class=DefaultFailureConverterWithEncodedAttributes)


def data_converter_for(settings: Settings) -> DataConverter:
    keyring = keyring_from_settings(settings)
    return pydantic_data_converter if keyring is None else encrypting_converter(keyring)
