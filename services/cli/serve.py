"""``skillgraph serve``: the REST API on waitress, a production WSGI server.

Access logs go to stderr as JSON Lines (one object per request); SIGTERM or Ctrl-C drains the
server: no new connections, requests in flight answered (``services.api.server``).
"""

from __future__ import annotations

import json
import logging
import sys

import click

from services.cli.context import CliContext


@click.command("serve")
@click.option("--host", help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default 8000; 0: any free).")
@click.pass_obj
def serve_command(context: CliContext, host, port) -> None:
    """Serve the REST API."""
    from services.api import create_app
    from services.api.request_log import ACCESS_LOGGER, JsonLogFormatter
    from services.api.server import serve
    from services.api.state import current_state

    overrides = {"api.host": host, "api.port": port}
    settings = context.settings.replace({k: v for k, v in overrides.items() if v is not None})
    context.settings = settings
    app = create_app(settings, graph=context.graph)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    access = logging.getLogger(ACCESS_LOGGER)
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    with app.app_context():
        state = current_state()

    def listening(base: str) -> None:
        click.echo(
            f"SkillGraph API on {base} (profile {settings.profile}, "
            f"{context.graph.encoder.name}, ESCO {context.graph.taxonomy.release.version}). "
            "Try:\n"
            f"  curl -s {base}/health\n"
            f"  curl -s -X POST {base}/v1/extract -H 'Content-Type: application/json' "
            f'-d \'{{"text": "You will build APIs in Python and PostgreSQL.", "top_k": 5}}\'\n'
            f"  curl -s '{base}/v1/skills?q=python'\n"
            f"Open {base}/ in a browser; the API's documentation is at {base}/docs/swagger.\n"
            "Stop with Ctrl-C.",
        )
        sys.stdout.flush()

    try:
        serve(
            app,
            host=settings.api.host,
            port=settings.api.port,
            threads=settings.api.threads,
            grace=settings.api.shutdown_grace,
            draining=state.draining,
            on_listening=listening,
        )
    finally:
        state.batcher.close()


@click.command("openapi")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout)."
)
def openapi_command(output) -> None:
    """Print the REST API's OpenAPI 3.1 document (loads no model)."""
    from ontology.files import atomic_write
    from services.api import openapi_document

    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if output:
        atomic_write(output, lambda path: path.write_text(text, encoding="utf-8"))
    else:
        click.echo(text, nl=False)
