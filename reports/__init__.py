"""The escalation report: what escalated, why, how SLAs held, where time went, who keeps coming back.

`compute` is pure (issue states in, figures out), `collect` reads the states from Temporal, `render` writes
a table, CSV, JSON or a PNG chart; `python -m reports` and `reports.api` (GET /reports/escalations) use them.
"""
