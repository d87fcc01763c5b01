"""Read a policy file and report every problem with the file name, the path inside it and the line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from policy.errors import FileProblem, YamlDocument, format_problems, read_yaml, validation_problems
from policy.model import Policy, PolicyProblems

DEFAULT_POLICY_PATH = Path(__file__).with_name("default.yaml")


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; the message names the file and each problem."""


def load_policy(path: str | Path | None = None, *, this_year: int | None = None) -> Policy:
    """The policy at `path` (the shipped default if None), validated; `this_year` picks the holiday years."""
    path = Path(path) if path else DEFAULT_POLICY_PATH
    try:
        document = read_yaml(path)
    except FileProblem as exc:
        raise PolicyError(str(exc)) from None
    return _validate(document.data, str(path), document, this_year)


def parse_policy(raw: object, source: str = "<policy>", *, this_year: int | None = None) -> Policy:
    """Validate an already-parsed policy; `this_year` picks the default holiday years."""
    return _validate(raw, source, None, this_year)


def _validate(raw: object, source: str, document: YamlDocument | None, this_year: int | None = None) -> Policy:
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: a policy file must be a mapping at the top level")
    context = {"this_year": this_year or datetime.now(UTC).year}  # the shell may read the clock
    try:
        return Policy.model_validate(raw, context=context)
    except ValidationError as exc:
        problems = []
        for loc, message, err in validation_problems(exc):
            inner = (err.get("ctx") or {}).get("error")
            if isinstance(inner, PolicyProblems):
                problems.extend((loc + sub_loc, sub_msg) for sub_loc, sub_msg in inner.problems)
            else:
                problems.append((loc, message))
        raise PolicyError(format_problems(source, "invalid policy", problems, document)) from None
