"""`python -m api`: serve the API with uvicorn on settings' api_host:api_port. Stops on SIGINT/SIGTERM."""

from __future__ import annotations

import sys

import uvicorn

from api.app import create_app
from api.tokens import TokenFileError
from config.logging import configure_logging
from config.settings import get_settings
from policy.loader import PolicyError


def main() -> int:
    settings = get_settings()
    try:
        app = create_app(settings)
    except (TokenFileError, PolicyError) as exc:
        print(f"cannot start the API: {exc}", file=sys.stderr)
        return 2
    configure_logging()
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, access_log=False, server_header=False,
                log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
