"""The product metrics: names, help texts, kinds and histogram buckets (what dashboards and alerts rely on).

Counters carry no `_total` suffix, like the SDK's own metrics on the same endpoint. Labels are low-cardinality
kinds (category, priority, tier, level, reason); never issue ids or anything about the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Metric:
    name: str
    description: str
    kind: Literal["counter", "histogram"]
    unit: str = ""


ISSUES_OPENED = Metric("escalation_issues_opened", "issues opened, by category, priority, tier and starting level",
                       "counter")
ESCALATIONS = Metric("escalation_escalations", "escalations, by the level moved to and the reason kind", "counter")
REOPENED = Metric("escalation_issues_reopened", "resolved issues reopened (customer wrote again or objected)",
                  "counter")
SLA_BREACHES = Metric("escalation_sla_breaches", "SLA breaches, by kind (response, resolution) and level", "counter")
SLA_WARNINGS = Metric("escalation_sla_warnings", "SLA warnings before a breach, by kind and level", "counter")
NOTIFICATION_FAILURES = Metric("escalation_notification_failures",
                               "deliveries (assign, notify staff, inform customer) that failed for good", "counter")
TIME_TO_FIRST_RESPONSE = Metric("escalation_time_to_first_response_seconds",
                                "from opening to the first acknowledgement or resolution", "histogram", "s")
TIME_TO_RESOLUTION = Metric("escalation_time_to_resolution_seconds", "from opening to the first resolution",
                            "histogram", "s")

ALL = (ISSUES_OPENED, ESCALATIONS, REOPENED, SLA_BREACHES, SLA_WARNINGS, NOTIFICATION_FAILURES,
       TIME_TO_FIRST_RESPONSE, TIME_TO_RESOLUTION)

#: Seconds: 1 minute to 2 weeks, the range support SLAs live in.
DURATION_BUCKETS = (60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0, 172800.0, 604800.0,
                    1209600.0)

HISTOGRAM_BUCKETS = {m.name: DURATION_BUCKETS for m in ALL if m.kind == "histogram"}
