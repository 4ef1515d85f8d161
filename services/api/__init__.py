"""The REST API: ``create_app(config)`` builds it; ``skillgraph serve`` runs it on waitress;
``openapi_document()`` is its OpenAPI 3.1 document."""

from services.api.app import create_app, openapi_document

__all__ = ["create_app", "openapi_document"]
