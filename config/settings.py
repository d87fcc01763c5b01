"""Everything environment-specific, read from ESCALATION_* variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.sqlite3"


@lru_cache
def get_settings() -> Settings:
    return Settings()
