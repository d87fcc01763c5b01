"""`make run` refuses to start on an invalid policy, naming the file and the problem, and starts nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from config.settings import PROJECT_ROOT


def test_invalid_policy_stops_start_up_with_a_clear_message(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("version: x\nteams: {}\nroutes: []\ndefault_route: nowhere\n")
    env = {**os.environ, "ESCALATION_POLICY_PATH": str(bad), "ESCALATION_DATA_DIR": str(tmp_path / "data"),
           "ESCALATION_TEMPORAL_ADDRESS": "127.0.0.1:1"}
    done = subprocess.run([sys.executable, "-m", "devstack"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert str(bad) in done.stderr and "routes" in done.stderr
    assert not (tmp_path / "data").exists()  # nothing was started or written
