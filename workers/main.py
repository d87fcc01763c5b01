"""Worker entry point: `python -m workers.main`. Stops gracefully on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import structlog

from activities.notifier import Notifier
from activities.outbox import Outbox
from config.log_context import ActivityLogContext
from config.logging import configure_logging
from config.settings import get_settings
from metrics.runtime import install_worker_runtime
from notifications.roster_loader import RosterError
from starter.connect import connect
from workers.build import build_worker
from workers.gc_tuning import tune_gc

log = structlog.get_logger("worker")


async def main() -> None:
    configure_logging()
    settings = get_settings()
    try:
        notifier = Notifier.from_settings(settings)
    except RosterError as exc:
        log.error("cannot start: bad roster", problem=str(exc))
        raise SystemExit(2) from None
    metrics_address = install_worker_runtime(settings.worker_metrics_host, settings.worker_metrics_port)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=32) as executor:
        worker = build_worker(client, settings.task_queue, Outbox(settings.outbox_path), executor, notifier,
                              shared_workflow_modules=True,
                              graceful_shutdown_timeout=timedelta(seconds=10), interceptors=[ActivityLogContext()])
        tune_gc()
        log.info("worker started", task_queue=settings.task_queue, address=settings.temporal_address,
                 metrics=f"http://{metrics_address}/metrics" if metrics_address else None)
        async with worker:
            await stop.wait()
            log.info("worker stopping")
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
