"""``skillgraph serve``: the REST API on waitress, a production WSGI server."""

from __future__ import annotations

import click

from services.cli.context import CliContext


@click.command("serve")
@click.option("--host", help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default 8000).")
@click.pass_obj
def serve_command(context: CliContext, host, port) -> None:
    """Serve the REST API."""
    import waitress

    from services.api import create_app

    overrides = {"api.host": host, "api.port": port}
    settings = context.settings.replace({k: v for k, v in overrides.items() if v is not None})
    context.settings = settings
    app = create_app(settings, graph=context.graph)
    base = f"http://{settings.api.host}:{settings.api.port}"
    click.echo(
        f"SkillGraph API on {base} ({context.graph.encoder.name}, "
        f"ESCO {context.graph.taxonomy.release.version}). Try:\n"
        f"  curl -s {base}/health\n"
        f"  curl -s -X POST {base}/v1/extract -H 'Content-Type: application/json' "
        f'-d \'{{"text": "You will build APIs in Python and PostgreSQL.", "top_k": 5}}\'\n'
        f"  curl -s '{base}/v1/skills?q=python'\n"
        "Stop with Ctrl-C."
    )
    waitress.serve(
        app,
        host=settings.api.host,
        port=settings.api.port,
        threads=settings.api.threads,
        ident="skillgraph",
    )
