"""The functional core: pure, deterministic escalation rules. No Temporal, no I/O, no wall clock."""
