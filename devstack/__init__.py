"""The embedded stack behind `make run`: dev server on a file database, worker, API."""
