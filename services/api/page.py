"""GET /: a small web page over the API (paste an ad, see its ESCO skills highlighted in the
text, a table of them and its procedure graph), with its script and style under /static/.

The page is plain HTML, CSS and JavaScript from :file:`web/` in this package, nothing from
another origin, and it has no inline script or style: it is served with a strict
``Content-Security-Policy``. It calls ``POST /v1/extract`` and ``POST /v1/procedure`` of the
server that serves it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

WEB = Path(__file__).parent / "web"
CONTENT_SECURITY_POLICY = "default-src 'self'"
# With API keys on, the page needs none (access.OPEN_BLUEPRINTS): a browser opening it sends
# none. The page itself sends the key its user types in as X-API-Key.

blueprint = Blueprint("page", __name__, static_folder=WEB, static_url_path="/static")


@blueprint.get("/")
def index() -> Response:
    response = blueprint.send_static_file("index.html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response
