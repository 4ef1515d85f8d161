"""Concurrent clients and threads against a real server: each gets the answer it would get
alone. The runtime here computes in fp32 with the sentence cache off, so that a text's answer
cannot depend on what it shares a batch with (int8 tag probabilities move by up to ~4e-3 with
their batch, docs/benchmarks.md); what is left to differ is what concurrency could break."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from services.api import create_app
from services.api.server import serving_in_thread
from skillgraph import Ranking, SkillGraph
from tests.compare import same_skills

ADS = [
    "Plumber wanted.\nInstall pipework and repair leaks.\nWe offer a pension.",
    "You will build APIs in Python and PostgreSQL.\nWe offer a pension.",
    "Chef de partie: prepare sauces, manage kitchen staff, keep the kitchen clean.",
    "Nurse: administer medication and monitor patients. We offer a pension.",
]


@pytest.fixture(scope="module")
def graph(full_graph: SkillGraph) -> SkillGraph:
    settings = full_graph.settings.replace({"spans.precision": "fp32", "extraction.cache_size": 0})
    return SkillGraph.assemble(settings, full_graph.taxonomy, full_graph.encoder, full_graph.index)


@pytest.fixture(scope="module")
def url(graph: SkillGraph) -> Iterator[str]:
    with serving_in_thread(create_app(graph.settings, graph=graph), threads=16) as served:
        yield served


def post(url: str, text: str) -> requests.Response:
    with requests.Session() as session:
        return session.post(f"{url}/v1/extract", json={"text": text})


def test_concurrent_clients_get_what_each_would_get_alone(url):
    expected = {ad: post(url, ad).json()["skills"] for ad in ADS}
    ads = ADS * 4
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda ad: post(url, ad), ads))
    assert all(r.status_code == 200 for r in responses)
    for response, ad in zip(responses, ads, strict=True):
        assert same_skills(response.json()["skills"], expected[ad])


def test_shared_parts_give_sequential_results_when_used_from_many_threads(graph):
    """The extractor is also called from request threads directly (procedure graphs): the
    segmenter, reader, index search and retriever must be safe to share."""
    extractor = graph.extractor
    texts = [f"Line {i}: use Python, manage staff number {i}. Install pipework." for i in range(24)]
    for mode in (None, Ranking(5)):
        expected = [extractor.extract(t, mode) for t in texts]
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda t, m=mode: extractor.extract(t, m), texts))
        for a, b in zip(got, expected, strict=True):
            assert same_skills(a, b)
