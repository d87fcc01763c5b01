"""Everything environment-specific, read from ESCALATION_* variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESCALATION_", extra="ignore")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    task_queue: str = "escalation"
    policy_path: Path | None = None  # None: the shipped policy/default.yaml
    data_dir: Path = PROJECT_ROOT / ".data"
    ui_url: str = "http://localhost:8233"
    continue_as_new_after_events: int = 1_000
    # HTTP API (`python -m api`)
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=0, le=65535)
    token_file: Path | None = None  # None: <data_dir>/tokens.yaml
    max_request_bytes: int = Field(default=128 * 1024, ge=1024, description="larger bodies get 413")
    api_temporal_timeout: float = Field(default=10.0, gt=0, description="seconds an API call waits on Temporal")

    # Temporal cluster access (production): mTLS client certificate, or an API key (Temporal Cloud)
    temporal_tls: bool = Field(default=False, description="TLS with the system's root CAs; implied by the settings below")
    temporal_tls_ca: Path | None = Field(default=None, description="PEM CA of a self-managed cluster's frontend")
    temporal_tls_cert: Path | None = Field(default=None, description="PEM client certificate (mTLS)")
    temporal_tls_key: Path | None = Field(default=None, description="PEM private key of the client certificate")
    temporal_tls_server_name: str | None = Field(default=None, description="server name to verify, if not the host")
    temporal_api_key: SecretStr | None = Field(default=None, description="Temporal Cloud API key")
    # Payload encryption (codec/): on when a key is configured, off otherwise
    codec_key_file: Path | None = Field(default=None, description="YAML key ring, `python -m codec.keys init`")
    codec_keys: dict[str, SecretStr] = Field(default_factory=dict, description='{"key id": "base64 32-byte key"}')
    codec_active_key: str | None = Field(default=None, description="key id that encrypts; others only decrypt")
    # Codec endpoint for the Temporal UI and CLI (`python -m codec.server`)
    codec_host: str = "127.0.0.1"
    codec_port: int = Field(default=8081, ge=0, le=65535)
    codec_cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:8080", "http://localhost:8233"],
                                          description="Temporal UI origins allowed to call the codec endpoint")
    # Worker metrics: the SDK's and the product's, for Prometheus at http://<host>:<port>/metrics
    worker_metrics_host: str = Field(default="0.0.0.0", description="address the worker's metrics endpoint binds")
    worker_metrics_port: int = Field(default=9464, ge=0, le=65535, description="0 turns the endpoint off")
    # Notifications: roster, channels (apprise), the mail relay (by default the local catcher of `make run`)
    roster_path: Path | None = None  # None: the shipped notifications/roster.yaml
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    mail_from: str = "support@example.com"
    smtp_url: SecretStr | None = Field(default=None, description="apprise mailto:// or mailtos:// URL of a relay, "
                                 "e.g. mailtos://user:pass@smtp.example.com?from=support@example.com; "
                                 "overrides smtp_host, smtp_port and mail_from")
    sms_url: str | None = Field(default=None, description="apprise URL with {phone} for customers with a phone contact")
    send_notifications: bool = Field(default=True, description="False: record in the outbox, send nothing")

    @property
    def mail_url(self) -> str:
        """The apprise URL mail goes out through (recipients are added per message)."""
        if self.smtp_url is not None:
            return self.smtp_url.get_secret_value()
        return f"mailto://{self.smtp_host}:{self.smtp_port}?from={self.mail_from}"

    @property
    def mail_dir(self) -> Path:
        """Where the local mail catcher writes what it receives."""
        return self.data_dir / "mail"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.sqlite3"

    @property
    def token_path(self) -> Path:
        return self.token_file or self.data_dir / "tokens.yaml"


@lru_cache
def get_settings() -> Settings:
    return Settings()
