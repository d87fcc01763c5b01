"""Results as JSON (kept) and as a markdown table (printed, pasted into docs/benchmarks.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if abs(seconds) < 1 else f"{seconds:.2f} s"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line(machine: dict) -> str:
    busy = machine.get("other_busy_processes") or []
    return (f"{machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB; load {machine['load_average']}; "
            f"Python {machine['python']}, temporalio {machine['temporalio']}, {machine['temporal_cli']}"
            + (f"; other busy processes at start: {len(busy)}" if busy else ""))


def emit(report: dict, table: str, out: str | Path | None) -> Path:
    """Write the JSON report, print the machine line and the table; answers the JSON path."""
    report = {**report, "finished_at": datetime.now(UTC).isoformat(timespec="seconds")}
    path = Path(out) if out else RESULTS / f"{report['benchmark']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\n## {report['benchmark']}\n\n{machine_line(report['machine'])}\n\n{table}\n\nresults: {path}", flush=True)
    return path


def progress(message: str) -> None:
    """A timestamped line on stderr, so a long run shows where it is."""
    import sys
    import time

    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)
