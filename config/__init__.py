"""Settings from the environment (prefix ESCALATION_), with defaults for the embedded stack."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
