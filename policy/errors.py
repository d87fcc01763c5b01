"""Readable errors for YAML files people write (policies, dry-run scenarios): file, path inside, line, reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

Loc = tuple[str | int, ...]


class FileProblem(ValueError):
    """The file cannot be read or is not YAML."""


@dataclass(frozen=True)
class YamlDocument:
    data: object
    root: yaml.Node | None

    def line_of(self, loc: Loc) -> int | None:
        """1-based line of the deepest key (or list item) along `loc` that exists in the file."""
        node, line = self.root, None
        for part in loc:
            found = _child(node, part) if node is not None else None
            if found is None:
                break
            marker, node = found
            line = marker.start_mark.line + 1
        return line


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(the node whose line names it, the node itself) for one step of a path."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], node.value[part]
    return None


def read_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    try:
        return YamlDocument(yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise FileProblem(f"{path}: not valid YAML: {exc}") from None


def dotted(loc: Loc) -> str:
    """`('routes', 0, 'levels', 1, 'team')` -> `routes[0].levels[1].team`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validation_problems(exc: ValidationError) -> list[tuple[Loc, str, dict]]:
    """(path, reason, raw error) for each pydantic error, without pydantic's noise."""
    out = []
    for err in exc.errors():
        message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        elif err["type"] == "missing":
            message = "required field is missing"
        out.append((tuple(err["loc"]), message, err))
    return out


def format_problems(source: str, title: str, problems: list[tuple[Loc, str]], document: YamlDocument | None) -> str:
    lines = [f"{source}: {title}:"]
    for loc, message in problems:
        line = document.line_of(loc) if document is not None else None
        lines.append(f"  {dotted(loc)}{f' (line {line})' if line else ''}: {message}")
    return "\n".join(lines)
