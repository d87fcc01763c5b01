"""Read a roster file and report every problem with the file name and the path inside it."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from notifications.roster import Roster

DEFAULT_ROSTER_PATH = Path(__file__).with_name("roster.yaml")


class RosterError(ValueError):
    """The roster file is unreadable or invalid; the message names the file and each problem."""


def load_roster(path: str | Path | None = None) -> Roster:
    path = Path(path) if path else DEFAULT_ROSTER_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RosterError(f"{path}: cannot read roster file: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RosterError(f"{path}: not valid YAML: {exc}") from exc
    return parse_roster(raw, source=str(path))


def parse_roster(raw: object, source: str = "<roster>") -> Roster:
    if not isinstance(raw, dict):
        raise RosterError(f"{source}: a roster file must be a mapping at the top level")
    try:
        return Roster.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()]
        raise RosterError(f"{source}: invalid roster:\n" + "\n".join(lines)) from None
