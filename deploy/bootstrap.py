"""`python -m deploy.bootstrap`: the compose profile's one-shot first-run step; safe to run again.

1. the codec key file (ESCALATION_CODEC_KEY_FILE): created with one active key if missing;
2. the API token file: created empty if missing, so the API and the codec server start (add tokens with
   `python -m api.tokens add NAME ROLE`; no token is ever printed here);
3. the namespace and search attributes (`deploy.setup_cluster`).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from api.tokens import TokenFileError, read_token_file
from codec.keys import CodecKeyError, init as init_keys
from config.settings import Settings
from deploy.setup_cluster import SetupError, parse_args, run
from starter.cli import exit_now


def ensure_token_file(path: Path) -> bool:
    """Create an empty token file (owner-only) if there is none; True if created."""
    if path.exists():
        read_token_file(path)  # refuse to go on with a broken one
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("# API tokens, stored as SHA-256 hashes. Add one: python -m api.tokens add NAME ROLE\ntokens: []\n")
    return True


def bootstrap(settings: Settings, argv: list[str] | None = None) -> list[str]:
    done: list[str] = []
    if settings.codec_key_file is not None:
        key_id = init_keys(settings.codec_key_file)
        if key_id:
            done.append(f"codec key file {settings.codec_key_file} created, active key {key_id}")
    if ensure_token_file(settings.token_path):
        done.append(f"empty token file {settings.token_path} created; add tokens with python -m api.tokens add")
    args = parse_args(argv)
    done += asyncio.run(run(settings, args.retention, args.wait.total_seconds(), args.check))
    return done


def main(argv: list[str] | None = None) -> int:
    from config.settings import get_settings

    settings = get_settings()
    try:
        done = bootstrap(settings, argv)
    except (CodecKeyError, TokenFileError, SetupError, ValueError) as exc:
        print(f"bootstrap failed: {exc}", file=sys.stderr)
        return 1
    for line in done or ["nothing to do"]:
        print(line)
    return 0


if __name__ == "__main__":
    exit_now(main())  # no interpreter teardown: the SDK's threads can abort it (sdk-python#300)
