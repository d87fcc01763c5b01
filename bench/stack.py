"""One benchmark's world: its own dev server (file database in a temp dir), its worker process, a client."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from temporalio.api.batch.v1 import BatchOperationTermination
from temporalio.api.enums.v1 import BatchOperationState
from temporalio.api.workflowservice.v1 import DescribeBatchOperationRequest, StartBatchOperationRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.procs import ChildProcess
from bench.recorder import StartLog
from bench.server import BENCH_DYNAMIC_CONFIG, DevServer
from bench.worker import Tuning

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Stack:
    server: DevServer
    worker: ChildProcess
    client: Client
    issue_queue: str
    bare_queue: str
    starts: StartLog
    workdir: Path

    def pids(self) -> set[int]:
        return {pid for pid in (self.server.pid, self.worker.pid) if pid}


@asynccontextmanager
async def bench_stack(tuning: Tuning = Tuning(), dynamic_config: dict | None = None,
                      workdir: Path | None = None) -> AsyncIterator[Stack]:
    """Start server and worker; on exit stop both (whatever happened) and remove the temp dir."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = workdir or Path(tmp)
        config = BENCH_DYNAMIC_CONFIG if dynamic_config is None else dynamic_config
        server = DevServer(root / "server", config)
        worker: ChildProcess | None = None
        try:
            server.start()
            suffix = uuid.uuid4().hex[:6]
            issue_queue, bare_queue = f"bench-issues-{suffix}", f"bench-bare-{suffix}"
            (root / "worker").mkdir(exist_ok=True)
            starts = StartLog(root / "worker" / "starts.sqlite3")
            worker = ChildProcess(["-m", "bench.worker", "--address", server.address, "--issue-queue", issue_queue,
                                   "--bare-queue", bare_queue, "--data-dir", str(root / "worker"),
                                   *tuning.as_args()], root / "worker.log", ready_line="ready").start()
            client = await Client.connect(server.address, data_converter=pydantic_data_converter)
            yield Stack(server, worker, client, issue_queue, bare_queue, starts, root)
        finally:
            if worker is not None:
                worker.close()
            server.stop()


async def run_bounded(items: Iterable[T], call: Callable[[T], Awaitable[R]], concurrency: int) -> list[R]:
    """`call` on every item, at most `concurrency` at a time, results in order."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(item: T) -> R:
        async with semaphore:
            return await call(item)

    return await asyncio.gather(*(one(item) for item in items))


async def terminate_task_queue(client: Client, task_queue: str, timeout: float = 600.0) -> None:
    """Terminate every running workflow on `task_queue` with one server-side batch operation."""
    job_id = f"bench-terminate-{uuid.uuid4().hex[:8]}"
    await client.workflow_service.start_batch_operation(StartBatchOperationRequest(
        namespace=client.namespace, job_id=job_id, reason="benchmark phase finished",
        visibility_query=f'TaskQueue="{task_queue}" AND ExecutionStatus="Running"',
        termination_operation=BatchOperationTermination()))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        described = await client.workflow_service.describe_batch_operation(
            DescribeBatchOperationRequest(namespace=client.namespace, job_id=job_id))
        if described.state not in (BatchOperationState.BATCH_OPERATION_STATE_RUNNING,
                                   BatchOperationState.BATCH_OPERATION_STATE_UNSPECIFIED):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"terminating the workflows on {task_queue} took over {timeout:.0f}s")


async def wait_until(check: Callable[[], Awaitable[bool] | bool], timeout: float, what: str,
                     interval: float = 0.5) -> None:
    """Poll `check` until it holds; TimeoutError naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f}s")
        await asyncio.sleep(interval)
