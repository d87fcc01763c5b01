"""`python -m bench.worker`: the benchmark's worker process.

Two workers in one process, on one client: the product's (`workers.build.build_worker`, the real
workflow and delivery activities) and the bare baseline's, each on its own task queue, both with the
same tuning and an interceptor logging every activity start. Prints `ready` once both poll; stops on
SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.outbox import Outbox
from bench.baseline import BareWorkflow, EmptyWorkflow, bare_action
from bench.recorder import RecordActivityStarts, StartLog
from config.logging import configure_logging
from workers.build import build_worker, shared_modules_runner
from workers.gc_tuning import YOUNG_THRESHOLD, tune_gc


@dataclass(frozen=True)
class Tuning:
    """Worker options under test (None: the SDK default)."""

    max_cached_workflows: int = 1000
    max_concurrent_workflow_tasks: int | None = None
    max_concurrent_activities: int | None = None
    workflow_pollers: int | None = None
    activity_pollers: int | None = None
    executor_threads: int = 32
    #: passthrough: as the product's worker runs (workers.build.shared_modules_runner: the sandbox, the
    #: workflow modules imported once for all instances); sandbox: the SDK's strict default; none: no sandbox
    runner: str = "passthrough"
    #: young-generation GC threshold (workers/gc_tuning.py, as the product's worker runs); 0: CPython's default
    gc_young_threshold: int = YOUNG_THRESHOLD

    def worker_options(self) -> dict:
        options: dict = {"max_cached_workflows": self.max_cached_workflows}
        if self.runner == "passthrough":
            options["workflow_runner"] = shared_modules_runner()
        elif self.runner == "none":
            options["workflow_runner"] = UnsandboxedWorkflowRunner()
        for name in ("max_concurrent_workflow_tasks", "max_concurrent_activities"):
            if getattr(self, name) is not None:
                options[name] = getattr(self, name)
        if self.workflow_pollers is not None:
            options["max_concurrent_workflow_task_polls"] = self.workflow_pollers
        if self.activity_pollers is not None:
            options["max_concurrent_activity_task_polls"] = self.activity_pollers
        return options

    def as_args(self) -> list[str]:
        args: list[str] = []
        for name, value in asdict(self).items():
            if value is not None:
                args += [f"--{name.replace('_', '-')}", str(value)]
        return args


def add_tuning_args(parser: argparse.ArgumentParser) -> None:
    for name, value in asdict(Tuning()).items():
        kind = str if name == "runner" else int
        choices = ("sandbox", "passthrough", "none") if name == "runner" else None
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value, choices=choices)


def tuning_from(args: argparse.Namespace) -> Tuning:
    return Tuning(**{name: getattr(args, name) for name in asdict(Tuning())})


def log_gc_pauses(threshold: float = 0.05) -> None:
    """Log every garbage collection that stops the worker for longer than `threshold` seconds."""
    log = structlog.get_logger("bench.worker")
    started: dict[int, float] = {}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[info["generation"]] = time.perf_counter()
        else:
            took = time.perf_counter() - started.pop(info["generation"], time.perf_counter())
            if took > threshold:
                log.warning("gc pause", generation=info["generation"], seconds=round(took, 3),
                            collected=info["collected"], tracked=len(gc.get_objects(info["generation"])))

    gc.callbacks.append(on_gc)


async def run(address: str, issue_queue: str, bare_queue: str, data_dir: Path, tuning: Tuning) -> None:
    configure_logging(json=True)  # to stderr (the log file); stdout only says `ready`
    log_gc_pauses()
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    log = StartLog(data_dir / "starts.sqlite3")
    interceptors = [RecordActivityStarts(log)]
    options = {**tuning.worker_options(), "interceptors": interceptors,
               "graceful_shutdown_timeout": timedelta(seconds=2)}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=tuning.executor_threads) as executor:
        issue_worker = build_worker(client, issue_queue, Outbox(data_dir / "outbox.sqlite3"), executor, **options)
        bare_worker = Worker(client, task_queue=bare_queue, workflows=[BareWorkflow, EmptyWorkflow],
                             activities=[bare_action], activity_executor=executor, **options)
        if tuning.gc_young_threshold:
            tune_gc(tuning.gc_young_threshold)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(issue_worker)
            await stack.enter_async_context(bare_worker)
            print("ready", flush=True)
            await stop.wait()
    log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--issue-queue", required=True)
    parser.add_argument("--bare-queue", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    add_tuning_args(parser)
    args = parser.parse_args()
    asyncio.run(run(args.address, args.issue_queue, args.bare_queue, args.data_dir, tuning_from(args)))


if __name__ == "__main__":
    main()
