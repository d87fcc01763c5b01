"""Production deployment: cluster set-up (namespace, search attributes), first-run bootstrap, health checks.

The compose file and the server's dynamic config live beside this package (`docker-compose.yml`, `deploy/`).
"""
