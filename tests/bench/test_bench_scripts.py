"""Each benchmark at a tiny size, end to end (own dev server, worker process): it completes and its results
are well formed. Timing is never asserted here; docs/benchmarks.md has the real figures."""

from __future__ import annotations

import json
import math

from bench import burst, footprint, intake, lateness


def assert_summary(values: dict, count: int | None = None) -> None:
    """A p50/p99/max summary of finite numbers in order."""
    assert set(values) >= {"count", "min", "p50", "p99", "max"}
    if count is not None:
        assert values["count"] == count
    numbers = [values[k] for k in ("min", "p50", "p99", "max")]
    assert all(math.isfinite(v) for v in numbers) and numbers == sorted(numbers), values


def assert_report(path, name: str) -> dict:
    report = json.loads(path.read_text())
    assert report["benchmark"] == name
    machine = report["machine"]
    assert machine["cpus"] >= 1 and machine["temporalio"] and "Server" in machine["temporal_cli"]
    return report


async def test_lateness_small(tmp_path, capsys):
    out = tmp_path / "lateness.json"
    await lateness.main(lateness.parse_args(["--issues", "40", "--rates", "4", "--window", "2", "--gap", "1",
                                             "--margin", "3", "--breakdown-sample", "4", "--out", str(out)]))
    report = assert_report(out, "lateness")
    for kind in ("bare", "issue"):
        result = report["results"][kind]
        assert_summary(result["lateness_s"]["4"], count=8)
        assert set(result["stages_s"]["4"]) == {"timer", "dispatch", "task", "activity"}
        assert result["open"] == 40 and result["worker_rss_mb"]["all_open"] > 0
    assert report["comparison"]["4"]["p99"] is not None
    assert "| 4/s | 8 |" in capsys.readouterr().out


async def test_burst_small(tmp_path):
    out = tmp_path / "burst.json"
    await burst.main(burst.parse_args(["--breaches", "12", "--open-rate", "50", "--margin", "1", "--bare-budget", "3",
                                       "--out", str(out)]))
    report = assert_report(out, "burst")
    for kind in ("bare", "issue"):
        result = report["results"][kind]
        assert result["breaches"] == 12 and result["drain_s"] >= result["lateness_s"]["max"] - 1e-6
        assert_summary(result["lateness_s"], count=12)
    assert report["comparison"]["drain"] is not None


async def test_intake_small(tmp_path):
    out = tmp_path / "intake.json"
    await intake.main(intake.parse_args(["--opens", "20", "--rounds", "2", "--concurrency", "5", "--actions", "6",
                                         "--action-issues", "2", "--out", str(out)]))
    report = assert_report(out, "intake")
    for way in intake.WAYS:
        opening = report["results"]["opening"][way]
        assert opening["calls"] == 20 and opening["per_s"] > 0
        assert_summary(opening["latency_s"], count=20)
    for way in ("raw update", "HTTP API"):
        assert_summary(report["results"]["agent_action"][way], count=6)
    assert isinstance(report["comparison"]["api_rate_target_met"], bool)


async def test_footprint_small(tmp_path):
    out = tmp_path / "footprint.json"
    await footprint.main(footprint.parse_args(["--issues", "30", "--steps", "0.5,1", "--lifecycles", "2",
                                               "--out", str(out)]))
    report = assert_report(out, "footprint")
    history = report["results"]["history"]
    assert 10 < history["issue"]["events"]["p50"] < 1000  # closed well under the continue-as-new limit
    assert history["bare"]["events"]["p50"] >= 10
    assert history["issue"]["largest_payload_bytes"]["max"] <= history["issue"]["payload_bytes"]["max"]
    for kind in ("bare", "issue"):
        curve = report["results"]["worker_rss_mb"][kind]
        assert set(curve) >= {"0", "15", "30"} and all(curve[k] > 0 for k in ("0", "15", "30"))
