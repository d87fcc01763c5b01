"""Durable workflows: one `IssueWorkflow` per customer issue."""
