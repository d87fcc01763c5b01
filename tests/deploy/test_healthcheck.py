"""The worker health check's reading of the SDK's Prometheus metrics."""

from __future__ import annotations

from config.settings import Settings
from deploy.healthcheck import metrics_url, poller_counts, polling_problems

METRICS = """# HELP temporal_num_pollers Current number of active pollers per queue type
# TYPE temporal_num_pollers gauge
temporal_num_pollers{namespace="default",poller_type="activity_task",service_name="temporal-core-sdk",task_queue="escalation"} 5
temporal_num_pollers{namespace="default",poller_type="sticky_workflow_task",service_name="temporal-core-sdk",task_queue="escalation"} 4
temporal_num_pollers{namespace="default",poller_type="workflow_task",service_name="temporal-core-sdk",task_queue="escalation"} 1
temporal_num_pollers{namespace="default",poller_type="workflow_task",service_name="temporal-core-sdk",task_queue="other"} 0
temporal_request{namespace="default",operation="PollActivityTaskQueue",task_queue="other"} 12
"""


def test_a_worker_polling_its_queue_for_both_kinds_is_healthy():
    counts = poller_counts(METRICS, "escalation")
    assert counts == {"activity_task": 5, "sticky_workflow_task": 4, "workflow_task": 1}
    assert polling_problems(counts) == []


def test_no_pollers_on_the_configured_queue_is_unhealthy():
    assert polling_problems(poller_counts(METRICS, "other")) == ["no workflow_task poller", "no activity_task poller"]
    assert polling_problems(poller_counts("", "escalation")) == ["no workflow_task poller", "no activity_task poller"]


def test_the_metrics_endpoint_is_read_on_loopback_when_bound_to_all_addresses():
    assert metrics_url(Settings(worker_metrics_host="0.0.0.0", worker_metrics_port=9464)) == "http://127.0.0.1:9464/metrics"
