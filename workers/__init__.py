"""Worker processes that run issue workflows and their activities."""
