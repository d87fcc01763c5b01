"""Worker entry point: `python -m workers.main`. Stops gracefully on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import structlog

from activities.outbox import Outbox
from config.logging import configure_logging
from config.settings import get_settings
from starter.connect import connect
from workers.build import build_worker

log = structlog.get_logger("worker")


async def main() -> None:
    configure_logging()
    settings = get_settings()
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=32) as executor:
        worker = build_worker(client, settings.task_queue, Outbox(settings.outbox_path), executor,
                              graceful_shutdown_timeout=timedelta(seconds=10))
        log.info("worker started", task_queue=settings.task_queue, address=settings.temporal_address)
        async with worker:
            await stop.wait()
            log.info("worker stopping")
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
