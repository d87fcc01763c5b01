"""Garbage collection for a worker that keeps many issue workflows in its cache.

Each cached issue holds its state (pinned policy, timeline) as some hundreds of Python objects; with a
thousand cached, CPython's full collections scanned ~800,000 objects, stopped the worker for 0.8-0.9 s
every few seconds and made the slowest escalations a second late (docs/benchmarks.md). Collecting the
young generation after 50,000 allocations instead of 700 makes full collections rare; freezing what
start-up built keeps it out of every scan. Reference counting still frees everything that is not a cycle.
"""

from __future__ import annotations

import gc

#: Allocations (minus deallocations) between young-generation collections; CPython's default is 700.
YOUNG_THRESHOLD = 50_000


def tune_gc(young_threshold: int = YOUNG_THRESHOLD) -> None:
    """Call once, after imports and before the worker starts polling."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)
