"""Records metric points through the workflow's meter: replay-safe (nothing is recorded while replaying) and
emitting no commands, so adding or changing a metric never breaks determinism. Workflow code only."""

from __future__ import annotations

from collections.abc import Iterable

from temporalio import workflow
from temporalio.common import MetricCounter, MetricHistogramFloat

from metrics.issue_metrics import Point


class WorkflowMetrics:
    """One per workflow run; instruments are created on first use."""

    def __init__(self) -> None:
        self._instruments: dict[str, MetricCounter | MetricHistogramFloat] = {}

    def record(self, points: Iterable[Point]) -> None:
        for point in points:
            instrument = self._instruments.get(point.metric.name)
            if instrument is None:
                instrument = self._instruments[point.metric.name] = self._create(point)
            if isinstance(instrument, MetricCounter):
                instrument.add(int(point.value), dict(point.attributes))
            else:
                instrument.record(float(point.value), dict(point.attributes))

    @staticmethod
    def _create(point: Point) -> MetricCounter | MetricHistogramFloat:
        meter, m = workflow.metric_meter(), point.metric
        if m.kind == "counter":
            return meter.create_counter(m.name, m.description, m.unit or None)
        return meter.create_histogram_float(m.name, m.description, m.unit or None)
