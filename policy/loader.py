"""Read a policy file and report every problem with the file name and the path inside it."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from policy.model import Policy

DEFAULT_POLICY_PATH = Path(__file__).with_name("default.yaml")


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; the message names the file and each problem."""


def load_policy(path: str | Path | None = None) -> Policy:
    path = Path(path) if path else DEFAULT_POLICY_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML: {exc}") from exc
    return parse_policy(raw, source=str(path))


def parse_policy(raw: object, source: str = "<policy>") -> Policy:
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: a policy file must be a mapping at the top level")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()
        ]
        raise PolicyError(f"{source}: invalid policy:\n" + "\n".join(lines)) from None
