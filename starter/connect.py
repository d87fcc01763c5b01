"""One way to reach Temporal, from settings: address and namespace, TLS or an API key, and the data converter
(pydantic JSON, encrypted by the payload codec when a codec key is configured)."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.service import TLSConfig

from codec.converter import data_converter_for
from config.settings import Settings


class ConnectionSettingsError(ValueError):
    """The TLS settings are incomplete or name a file that cannot be read."""


def _read_pem(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConnectionSettingsError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


def tls_config(settings: Settings) -> TLSConfig | bool:
    """False for plaintext; True for TLS with system roots; a TLSConfig for a private CA or a client certificate."""
    cert, key = settings.temporal_tls_cert, settings.temporal_tls_key
    if (cert is None) != (key is None):
        raise ConnectionSettingsError("ESCALATION_TEMPORAL_TLS_CERT and ESCALATION_TEMPORAL_TLS_KEY go together")
    if cert is None and settings.temporal_tls_ca is None and settings.temporal_tls_server_name is None:
        return settings.temporal_tls or settings.temporal_api_key is not None
    return TLSConfig(
        server_root_ca_cert=_read_pem(settings.temporal_tls_ca, "Temporal CA certificate") if settings.temporal_tls_ca else None,
        client_cert=_read_pem(cert, "client certificate") if cert else None,
        client_private_key=_read_pem(key, "client private key") if key else None,
        domain=settings.temporal_tls_server_name,
    )


async def connect(settings: Settings) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=data_converter_for(settings), tls=tls_config(settings),
                                api_key=api_key)
