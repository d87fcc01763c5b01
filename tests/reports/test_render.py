"""The report as table, CSV, JSON and PNG says the same figures."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from matplotlib.image import imread

from reports.compute import build_report
from reports.model import EscalationReport
from reports.render import chart_png, render, to_csv
from tests.reports.scenario import AS_OF_MINUTE, T0, at, seeded


@pytest.fixture(scope="module")
def report() -> EscalationReport:
    return build_report(seeded().values(), since=T0, until=T0 + timedelta(days=1), as_of=at(AS_OF_MINUTE),
                        unreadable=["GONE-1"])


def test_json_round_trips_to_the_same_report(report):
    assert EscalationReport.model_validate_json(render(report, "json")) == report


def test_csv_is_one_figure_per_row(report):
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    value = {(r["section"], r["key"], r["metric"]): r["value"] for r in rows}
    assert value[("summary", "all", "issues")] == "5"
    assert value[("by_team", "support", "escalated_away")] == "3"
    assert float(value[("sla", "all/response", "compliance")]) == pytest.approx(0.4)
    assert value[("sla", "billing/resolution", "compliance")] == ""  # no rate, not zero
    assert value[("time_per_level", "l3", "total_seconds")] == "6600.0"
    assert value[("reasons", "response_sla_breach", "escalations")] == "2"
    assert value[("unreadable", "GONE-1", "issue")] == "GONE-1"
    assert len({(r["section"], r["key"], r["metric"]) for r in rows}) == len(rows)  # no figure twice


def test_table_shows_each_section_with_its_figures(report):
    text = render(report, "table")
    for title in ("Escalation rate by category", "Escalation rate by team", "SLA compliance", "Time per level",
                  "Top escalation reasons", "Repeat-contact customers"):
        assert title in text
    assert "5 issues (3 active, 1 resolved, 1 closed); 4 escalated (80%), 5 escalations" in text
    assert "unreadable (left out): GONE-1" in text
    line = next(li for li in text.splitlines() if li.startswith("l3 "))
    assert line.split()[1:] == ["1", "1", "1h50m", "1h50m"]


def test_unknown_format_is_refused(report):
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(report, "xml")


def test_chart_is_a_png_with_something_drawn(report, tmp_path):
    png = chart_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    path = tmp_path / "chart.png"
    path.write_bytes(png)
    pixels = imread(path)
    assert pixels.shape[:2] == (600, 1000)
    assert pixels.std() > 0.05  # lines, bars and labels, not a blank canvas
    empty = chart_png(build_report([], as_of=at(0)))
    assert empty[:8] == b"\x89PNG\r\n\x1a\n" and empty != png
