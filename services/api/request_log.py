"""Request ids and the access log.

Every request gets an id: the client's ``X-Request-Id`` when it is a sane token (letters,
digits, ``.``, ``_``, ``-``; at most 64), else a fresh one. The id comes back in the
``X-Request-Id`` header and in problem documents, and names the request in the logs. Each
answered request is one structured line on the ``services.api.access`` logger: timestamp,
request id, method, path, status, duration, bytes, client address and API key digest.
:class:`JsonLogFormatter` writes such records as JSON Lines (``skillgraph serve`` uses it).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

ACCESS_LOGGER = "services.api.access"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

access_log = logging.getLogger(ACCESS_LOGGER)


def current_request_id() -> str | None:
    """This request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


def install(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        offered = request.headers.get("X-Request-Id", "")
        g.request_id = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = current_request_id() or uuid.uuid4().hex
        response.headers["X-Request-Id"] = request_id
        started = g.get("started")
        fields = {
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": None if started is None else round(1000 * (time.perf_counter() - started), 1),
            "bytes": response.calculate_content_length(),
            "client": request.remote_addr,
            "key": g.get("key_id"),
        }
        access_log.info("%s %s %s", request.method, request.path, response.status_code,
                        extra={"access": fields})  # fmt: skip
        return response


class JsonLogFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and an access
    record's fields when it has them."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        document.update(getattr(record, "access", {}))
        if record.exc_info:
            document["error"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False, default=str)
