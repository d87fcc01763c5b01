"""The worker's metrics endpoint set-up: off with port 0, a clear stop when the port is taken."""

from __future__ import annotations

import socket

import pytest
from temporalio.runtime import Runtime

from metrics.runtime import install_worker_runtime


def test_port_zero_turns_the_endpoint_off_and_changes_nothing():
    before = Runtime.default()
    assert install_worker_runtime("127.0.0.1", 0) is None
    assert Runtime.default() is before


def test_a_taken_port_stops_start_up_naming_the_setting():
    before = Runtime.default()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            install_worker_runtime("127.0.0.1", port)
    assert f"127.0.0.1:{port}" in str(stopped.value) and "ESCALATION_WORKER_METRICS_PORT" in str(stopped.value)
    assert Runtime.default() is before
