"""A bad roster stops the worker (and `make run`) before anything starts, naming the file and the problem."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.settings import PROJECT_ROOT


@pytest.mark.parametrize("module", ["workers.main", "devstack"])
def test_a_bad_roster_stops_start_up_with_a_clear_message(tmp_path, module):
    bad = tmp_path / "roster.yaml"
    bad.write_text("people: {ann: {hours: {mon-fri: '9 to 5'}}}\nteams: {support: {members: [ann]}}\n")
    env = {**os.environ, "ESCALATION_ROSTER_PATH": str(bad), "ESCALATION_DATA_DIR": str(tmp_path / "data"),
           "ESCALATION_TEMPORAL_ADDRESS": "127.0.0.1:1", "ESCALATION_WORKER_METRICS_PORT": "0"}
    done = subprocess.run([sys.executable, "-m", module], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert str(bad) in output and "people.ann.hours" in output and "'9 to 5' is not a time span" in output
    assert not (tmp_path / "data").exists()  # nothing was started or written
