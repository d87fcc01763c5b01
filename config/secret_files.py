"""Files that hold secrets (token hashes, encryption keys): written atomically, readable by the owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_owner_only(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step (a reader never sees half a file), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
