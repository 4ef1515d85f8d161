"""Errors as RFC 9457 problem details (``application/problem+json``), never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

from flask import Flask, Response, g, has_request_context, json
from werkzeug.exceptions import HTTPException

from skillgraph.errors import InputError, TextTooLongError
from skillgraph.procedure.syntax import EnglishModelMissingError

log = logging.getLogger(__name__)

PROBLEM_MIME = "application/problem+json"


# Not a SkillgraphError (tests/skillgraph/test_errors.py allows it): an HTTP answer a view raises,
# status and headers included, that the handler below writes out; not an error of the library.
class ApiProblem(Exception):
    """Raised by views to answer with a problem document (and, e.g., ``Retry-After``)."""

    def __init__(
        self,
        status: int,
        detail: str,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: object,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.headers = dict(headers or {})
        self.extra = extra


def problem(
    status: int,
    detail: str,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> Response:
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    request_id = g.get("request_id") if has_request_context() else None
    if request_id:
        body["request_id"] = request_id  # the id the logs know this request by
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIME)
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def _api_problem(exc: ApiProblem) -> Response:
        return problem(exc.status, exc.detail, exc.title, exc.headers, **exc.extra)

    @app.errorhandler(EnglishModelMissingError)
    def _no_english_model(exc: EnglishModelMissingError) -> Response:
        return problem(501, str(exc))

    @app.errorhandler(TextTooLongError)
    def _too_long(exc: TextTooLongError) -> Response:
        return problem(413, str(exc), limit=exc.limit)

    @app.errorhandler(InputError)
    def _bad_input(exc: InputError) -> Response:
        return problem(422, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        detail = {
            404: "no such resource",
            405: "method not allowed here",
            413: "request body too large",
        }.get(exc.code or 500, exc.description or "")
        return problem(exc.code or 500, detail)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem(500, "internal error; the server log has the details")
