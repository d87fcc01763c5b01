"""`python -m deploy.healthcheck`: is the worker in this container polling, and does Temporal answer? Exit 0/1.

A worker has no port of its own to probe, but it serves its SDK metrics (ESCALATION_WORKER_METRICS_PORT):
`temporal_num_pollers` tells how many polls for workflow and activity tasks it has outstanding on its task
queue. This is read locally, so it works however many task queue partitions the server spreads polls over.
"""

from __future__ import annotations

import asyncio
import re
import sys
import urllib.request
from datetime import timedelta

from config.settings import Settings
from starter.cli import exit_now
from starter.connect import connect

NEEDED = ("workflow_task", "activity_task")
_SAMPLE = re.compile(r"^temporal_num_pollers\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def metrics_url(settings: Settings) -> str:
    host = settings.worker_metrics_host
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{host}:{settings.worker_metrics_port}/metrics"


def poller_counts(metrics_text: str, task_queue: str) -> dict[str, float]:
    """Outstanding polls by poller type on `task_queue`, from Prometheus text."""
    counts: dict[str, float] = {}
    for line in metrics_text.splitlines():
        sample = _SAMPLE.match(line.strip())
        if sample:
            labels = dict(_LABEL.findall(sample["labels"]))
            if labels.get("task_queue") == task_queue and "poller_type" in labels:
                counts[labels["poller_type"]] = counts.get(labels["poller_type"], 0) + float(sample["value"])
    return counts


def polling_problems(counts: dict[str, float]) -> list[str]:
    return [f"no {kind} poller" for kind in NEEDED if counts.get(kind, 0) < 1]


def worker_problems(settings: Settings, timeout: float = 5.0) -> list[str]:
    """What is wrong with this host's worker as its metrics tell it; [] if it is polling."""
    if settings.worker_metrics_port == 0:
        return ["the worker's metrics endpoint is off (ESCALATION_WORKER_METRICS_PORT=0); nothing to check"]
    url = metrics_url(settings)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            text = response.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return [f"no worker answers at {url}: {exc}"]
    return polling_problems(poller_counts(text, settings.task_queue))


async def temporal_answers(settings: Settings) -> bool:
    client = await connect(settings)
    return await client.service_client.check_health(timeout=timedelta(seconds=5))


def main() -> int:
    from config.settings import get_settings

    settings = get_settings()
    problems = worker_problems(settings)
    if not problems:
        try:
            if not asyncio.run(asyncio.wait_for(temporal_answers(settings), timeout=15)):
                problems.append(f"Temporal at {settings.temporal_address} is not serving")
        except Exception as exc:  # unreachable, bad TLS settings...: unhealthy, and say why
            problems.append(f"Temporal at {settings.temporal_address} unreachable: {exc}")
    print("unhealthy: " + "; ".join(problems) if problems else "healthy", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    exit_now(main())  # no interpreter teardown: the SDK's threads can abort it (sdk-python#300)
