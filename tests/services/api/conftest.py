"""A real API server (waitress on a free loopback port) over the full embedded runtime."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from services.api import create_app
from services.api.server import serving_in_thread
from skillgraph import SkillGraph


@pytest.fixture(scope="session")
def api_url(full_graph: SkillGraph) -> Iterator[str]:
    with serving_in_thread(create_app(full_graph.settings, graph=full_graph)) as url:
        yield url


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
