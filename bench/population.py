"""Open many bare workflows or issues whose deadlines fall where the benchmark wants them.

An issue's first deadline is its level-1 response target counted from when it opened, so each issue
gets a policy whose target puts its deadline on the planned instant; a bare workflow gets the same
delay for its timer. Either way the deadline is known exactly afterwards: the bare workflow passes it
to its activity, the issue's deliveries carry `opened_at`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psutil

from bench.baseline import BARE_ACTION, BareWorkflow
from bench.fixtures import ESCALATED_LEVEL, bench_issue, bench_policy
from bench.recorder import Start
from bench.stack import Stack, run_bounded, wait_until
from bench.stats import summary
from policy.model import Policy
from starter.client import IssueClient

KINDS = ("bare", "issue")
FAR = 6 * 3600.0  # seconds: deadlines of the background population, never reached in a run


@dataclass
class Population:
    kind: str
    #: workflow id -> (planned deadline, epoch seconds; the timer/target given at opening, seconds)
    planned: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: set when every deadline is the same known instant (epoch seconds), as in a burst
    fixed_deadline: float | None = None

    def workflow_id(self, name: str) -> str:
        return f"issue-{name}" if self.kind == "issue" else name


async def open_one(stack: Stack, kind: str, name: str, delay: float, *, until: float | None = None,
                   policy: Policy | None = None) -> None:
    """A bare workflow (timer of `delay` seconds, or until epoch `until`) or an issue (response target
    `delay` whole seconds, or `policy`)."""
    if kind == "bare":
        await stack.client.start_workflow(BareWorkflow.run, args=[delay, until], id=name, task_queue=stack.bare_queue)
    else:
        issues = IssueClient(stack.client, policy or bench_policy(timedelta(seconds=delay)), stack.issue_queue)
        await issues.open(bench_issue(name))


async def open_far(stack: Stack, population: Population, prefix: str, count: int, concurrency: int) -> float:
    """Open `count` with deadlines hours away; answers the opening rate per second."""
    started = time.monotonic()
    await run_bounded(range(count), lambda i: open_one(stack, population.kind, f"{prefix}-{i}", FAR), concurrency)
    return count / max(time.monotonic() - started, 1e-6)


async def open_paced(stack: Stack, population: Population, names: Sequence[str], deadlines: Sequence[float],
                     lead: int) -> None:
    """Open each `names[i]` at `deadlines[i] - lead` with a `lead`-second timer or response target.

    Policies count in whole seconds, so deadlines are placed by opening at the right moment: issues
    arrive at the rate they breach, `lead` seconds later, as in a steady state.
    """
    loop = asyncio.get_running_loop()
    offset = time.time() - loop.time()

    async def one(index: int) -> None:
        await asyncio.sleep(max(deadlines[index] - lead - offset - loop.time(), 0))
        population.planned[population.workflow_id(names[index])] = (deadlines[index], float(lead))
        await open_one(stack, population.kind, names[index], lead)

    await asyncio.gather(*(one(i) for i in range(len(names))))


async def quiet(stack: Stack, timeout: float, busy_percent: float = 15.0) -> bool:
    """Wait until worker and server use little CPU (the opening backlog is worked off)."""
    procs = [psutil.Process(pid) for pid in stack.pids()]

    async def idle() -> bool:
        for proc in procs:
            proc.cpu_percent(None)
        await asyncio.sleep(1.0)
        return all(proc.cpu_percent(None) < busy_percent for proc in procs)

    try:
        await wait_until(idle, timeout, "worker and server quiet", interval=0)
        return True
    except TimeoutError:
        return False


def first_actions(kind: str, starts: Sequence[Start]) -> dict[str, Start]:
    """Per workflow, the first escalation action (issue: any level-2 command; bare: its one activity)."""
    first: dict[str, Start] = {}
    for start in starts:
        relevant = start.activity == BARE_ACTION if kind == "bare" else start.level == ESCALATED_LEVEL
        if relevant and (start.workflow_id not in first or start.started < first[start.workflow_id].started):
            first[start.workflow_id] = start
    return first


@dataclass(frozen=True)
class Measured:
    deadline: float  # epoch seconds, exact
    action: float  # when the first escalation action started, epoch seconds

    @property
    def lateness(self) -> float:
        return self.action - self.deadline


def measure(population: Population, starts: Sequence[Start]) -> dict[str, Measured]:
    """Per planned workflow that has acted: its exact deadline and its first escalation action's start."""
    first = first_actions(population.kind, starts)
    out: dict[str, Measured] = {}
    for workflow_id, (_, delay) in population.planned.items():
        start = first.get(workflow_id)
        if start is None or start.reference is None:
            continue
        reference = datetime.fromisoformat(start.reference).timestamp()
        if population.kind == "bare":
            deadline = reference
        else:
            deadline = population.fixed_deadline if population.fixed_deadline is not None else reference + delay
        out[workflow_id] = Measured(deadline, start.started)
    return out


async def wait_for_actions(stack: Stack, population: Population, timeout: float) -> dict[str, Measured]:
    """Deadline and first action per planned workflow, once every one of them has acted (else TimeoutError)."""
    found: dict[str, Measured] = {}

    def complete() -> bool:
        found.clear()
        found.update(measure(population, stack.starts.read()))
        return len(found) == len(population.planned)

    await wait_until(complete, timeout, f"{population.kind}: first actions of {len(population.planned)} workflows")
    return found


def summarize_seconds(values: Sequence[float]) -> dict[str, float]:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in summary(values).items()}
