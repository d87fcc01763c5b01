"""The real worker entry point (`workers.main`), killed by SIGKILL at the worst moment for exactly-once.

    python -m tests.activities.crashing_worker

Right after the first message is marked sent in the outbox, before the activity can report its
completion to Temporal, the process kills itself. Temporal then retries the activity on whatever
worker runs next, which must find the message already sent. Settings come from ESCALATION_* as usual.
It caches no workflows, so the next worker need not wait for the server to give up on this one's
sticky queue.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal

import workers.main
from activities.outbox import Outbox
from workers.build import build_worker

_mark_sent = Outbox.mark_sent


def _mark_sent_then_die(self: Outbox, key: str, now) -> None:  # noqa: ANN001
    _mark_sent(self, key, now)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    Outbox.mark_sent = _mark_sent_then_die
    workers.main.build_worker = functools.partial(build_worker, max_cached_workflows=0)
    asyncio.run(workers.main.main())
