"""The API's routes, one module per kind: issues (open, list, read), actions, system (health, metrics)."""
