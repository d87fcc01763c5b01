"""The worker's Prometheus endpoint: one SDK Runtime that serves the SDK's metrics and the product's own."""

from __future__ import annotations

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from metrics.names import HISTOGRAM_BUCKETS


def prometheus_runtime(bind_address: str) -> Runtime:
    """A Runtime serving `http://<bind_address>/metrics`. Clients connected with it (and their workers) report
    there. Raises if the address cannot be bound (a second worker on the same port needs another port)."""
    config = PrometheusConfig(bind_address=bind_address, histogram_bucket_overrides=dict(HISTOGRAM_BUCKETS))
    return Runtime(telemetry=TelemetryConfig(metrics=config))


def install_worker_runtime(host: str, port: int) -> str | None:
    """Make the Prometheus runtime the process default (before any client connects); None when `port` is 0."""
    if port == 0:
        return None
    address = f"{host}:{port}"
    try:
        runtime = prometheus_runtime(address)
    except ValueError as exc:  # the port is taken or the host is not an address of this machine
        raise SystemExit(f"cannot serve worker metrics on {address}: {exc}. "
                         "Set ESCALATION_WORKER_METRICS_PORT to a free port (0 turns the endpoint off).") from None
    Runtime.set_default(runtime, error_if_already_set=True)
    return address
