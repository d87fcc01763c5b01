"""The product's own metrics: what each issue event counts, emitted replay-safely from the workflow,
and the worker's Prometheus endpoint that exposes them beside the SDK's metrics."""
