"""The client library backend services use to open issues and send events, and a small CLI."""

from starter.client import ActionRejected, IssueClient, IssueConflict, IssueNotFound, OpenResult
from starter.connect import connect

__all__ = ["ActionRejected", "IssueClient", "IssueConflict", "IssueNotFound", "OpenResult", "connect"]
