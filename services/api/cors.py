"""Cross-origin requests, for web pages on other origins: off unless ``api.cors_origins`` lists
the origins allowed (comma-separated; ``*`` for any)."""

from __future__ import annotations

from flask import Flask, Response, request

ALLOWED_HEADERS = "Authorization, Content-Type, X-API-Key, X-Request-Id"
EXPOSED_HEADERS = "Retry-After, X-Request-Id"
MAX_AGE = "600"  # seconds a browser may cache a preflight


def install(app: Flask, origins: str) -> None:
    allowed = {origin.strip().rstrip("/") for origin in origins.split(",") if origin.strip()}
    if not allowed:
        return
    anyone = "*" in allowed

    @app.after_request
    def _cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin is None or not (anyone or origin.rstrip("/") in allowed):
            return response
        response.headers["Access-Control-Allow-Origin"] = "*" if anyone else origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if not anyone:
            response.vary.add("Origin")
        if request.method == "OPTIONS":  # a preflight: Flask answers OPTIONS itself
            response.headers["Access-Control-Allow-Methods"] = response.headers.get(
                "Allow", "GET, POST, DELETE, OPTIONS"
            )
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = MAX_AGE
        return response
