"""What the numbers were measured on: machine, load, versions."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version

import psutil

from bench.server import server_version


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def other_busy_processes(own: set[int], min_cpu: float = 5.0) -> list[str]:
    """Processes not started by this benchmark using noticeable CPU right now (other people's work)."""
    procs = list(psutil.process_iter(["pid", "name", "cmdline"]))
    for proc in procs:
        try:
            proc.cpu_percent(None)
        except psutil.Error:
            pass
    psutil.cpu_percent(0.5)
    busy = []
    for proc in procs:
        try:
            if proc.pid in own:
                continue
            cpu = proc.cpu_percent(None)
            if cpu >= min_cpu:
                cmd = " ".join(proc.info["cmdline"] or [proc.info["name"] or "?"])[:80]
                busy.append(f"{cpu:.0f}% {cmd}")
        except psutil.Error:
            continue
    return busy


def describe_machine(own_pids: set[int] | None = None) -> dict:
    own = {os.getpid(), *(own_pids or set())}
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "other_busy_processes": other_busy_processes(own),
        "python": platform.python_version(),
        "temporalio": version("temporalio"),
        "temporal_cli": server_version(),
    }
