"""The HTTP API for backend services and agents (FastAPI). `python -m api` serves it with uvicorn."""

from api.app import create_app

__all__ = ["create_app"]
