"""The REST API: ``create_app(config)`` builds it; ``skillgraph serve`` runs it on waitress."""

from services.api.app import create_app

__all__ = ["create_app"]
