"""The web UI and JSON API: a thin Flask layer over indexer.search."""

from .app import create_app

__all__ = ["create_app"]
