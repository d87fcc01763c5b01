"""The escalation domain: issues, events, commands and the issue's state (pydantic, no I/O)."""
