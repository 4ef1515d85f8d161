"""A real API server (waitress on a free loopback port) over the full embedded runtime."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
import waitress

from services.api import create_app
from skillgraph import SkillGraph


@pytest.fixture(scope="session")
def api_url(full_graph: SkillGraph) -> Iterator[str]:
    app = create_app(full_graph.settings, graph=full_graph)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
