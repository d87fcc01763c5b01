"""How settings become a connection: plaintext, TLS, mTLS, API key; incomplete settings are refused clearly."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from temporalio.service import TLSConfig

from config.settings import Settings
from starter.connect import ConnectionSettingsError, tls_config


def test_plaintext_by_default_tls_when_asked_or_with_an_api_key():
    assert tls_config(Settings()) is False
    assert tls_config(Settings(temporal_tls=True)) is True
    assert tls_config(Settings(temporal_api_key=SecretStr("cloud-key"))) is True


def test_client_certificate_and_private_ca_are_read_from_files(tmp_path):
    for name in ("ca.pem", "client.pem", "client.key"):
        (tmp_path / name).write_bytes(f"-----{name}-----".encode())
    config = tls_config(Settings(temporal_tls_ca=tmp_path / "ca.pem", temporal_tls_cert=tmp_path / "client.pem",
                                 temporal_tls_key=tmp_path / "client.key", temporal_tls_server_name="frontend.internal"))
    assert config == TLSConfig(server_root_ca_cert=b"-----ca.pem-----", client_cert=b"-----client.pem-----",
                               client_private_key=b"-----client.key-----", domain="frontend.internal")


def test_incomplete_or_unreadable_tls_settings_are_refused(tmp_path):
    with pytest.raises(ConnectionSettingsError, match="TLS_CERT and ESCALATION_TEMPORAL_TLS_KEY go together"):
        tls_config(Settings(temporal_tls_cert=tmp_path / "client.pem"))
    with pytest.raises(ConnectionSettingsError, match="missing.pem: cannot read the Temporal CA certificate"):
        tls_config(Settings(temporal_tls_ca=tmp_path / "missing.pem"))
