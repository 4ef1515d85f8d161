"""POST /v1/sparql over HTTP: a real server, a real embedded store with pushed postings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import requests

from ontology import EscoTaxonomy, esco_triples
from services.api import create_app
from services.api.server import serving_in_thread
from services.rdf import (
    EmbeddedStore,
    GraphChunk,
    IriScheme,
    PostingConverter,
    embedded_store_path,
    posting_chunks,
    read_results,
)
from services.rdf.rdf_input import triple_chunks
from services.settings import ServiceSettings
from skillgraph import SkillGraph
from tests.services.rdf.conftest import HOSTILE, posting_rows, write_jsonl

PROBLEM = "application/problem+json"
RESULTS = "application/sparql-results+json"
COUNT_POSTINGS = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a <http://schema.org/JobPosting> } }"
)


@pytest.fixture(scope="module")
def sparql_url(
    tmp_path_factory: pytest.TempPathFactory, full_graph: SkillGraph, small_taxonomy: EscoTaxonomy
) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("sparql-data")
    source = write_jsonl(data_dir / "results.jsonl", posting_rows(small_taxonomy, 40))
    converter = PostingConverter(IriScheme(), taxonomy=small_taxonomy)
    chunks = [
        c for c in posting_chunks(read_results(source), converter) if isinstance(c, GraphChunk)
    ]
    release = IriScheme().esco_release(small_taxonomy.release)
    with EmbeddedStore(embedded_store_path(data_dir)) as store:
        store.write(chunks)
        store.write(list(triple_chunks(esco_triples(small_taxonomy), release)))
    settings = ServiceSettings.extending(full_graph.settings).replace(
        {
            "data_dir": str(data_dir),
            "store.query_timeout": 2,
            "store.lock_wait": 1,
            "store.max_query_results": 100,
        }
    )
    app = create_app(settings, graph=dataclasses.replace(full_graph, settings=settings))
    with serving_in_thread(app) as url:
        yield f"{url}/v1/sparql"


def _count(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(RESULTS)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_select_in_every_request_form(sparql_url: str) -> None:
    protocol = requests.post(
        sparql_url, data=COUNT_POSTINGS, headers={"Content-Type": "application/sparql-query"}
    )
    form = requests.post(sparql_url, data={"query": COUNT_POSTINGS})
    as_json = requests.post(sparql_url, json={"query": COUNT_POSTINGS})
    assert _count(protocol) == _count(form) == _count(as_json) == 40


def test_hostile_text_comes_back_exactly(sparql_url: str) -> None:
    query = (
        "SELECT DISTINCT ?s WHERE { GRAPH ?g "
        "{ ?e <https://w3id.org/skillgraph/ns#evidenceSentence> ?s } }"
    )
    bindings = requests.post(sparql_url, json={"query": query}).json()["results"]["bindings"]
    assert f"{HOSTILE} 0" in {b["s"]["value"] for b in bindings}


def test_ask_and_construct(sparql_url: str) -> None:
    ask = requests.post(sparql_url, json={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"})
    assert ask.json()["boolean"] is True
    construct = requests.post(
        sparql_url,
        json={
            "query": "CONSTRUCT { ?s a ?t } WHERE { GRAPH ?g { ?s a ?t "
            "FILTER(?t = <http://schema.org/JobPosting>) } }"
        },
    )
    assert construct.headers["Content-Type"].startswith("application/n-triples")
    triples = list(pyoxigraph.parse(construct.content, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(triples) == 40


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"json": {"query": "DROP ALL"}}, 403, "read-only"),
        ({"data": {"update": "DROP ALL"}}, 403, "read-only"),
        (
            {"data": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
            403,
            "read-only",
        ),
        ({"json": {"query": "SELECT ?x WHERE { ?x"}}, 400, "invalid SPARQL query"),
        ({"json": {"query": "  "}}, 400, "empty"),
        ({"json": {"query": 3}}, 422, "query: input should be a valid string"),
        ({"data": b"x", "headers": {"Content-Type": "text/plain"}}, 415, "application/sparql"),
        (
            {"json": {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}},
            422,
            "more than 100 results",
        ),
    ],
)
def test_bad_requests_are_problems(
    sparql_url: str, request_kwargs, status: int, words: str
) -> None:
    response = requests.post(sparql_url, **request_kwargs)
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    assert words in response.json()["detail"]


def test_a_runaway_query_is_stopped_and_the_server_goes_on(sparql_url: str) -> None:
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?t ?q ?r } "
        "GRAPH ?c { ?u ?v ?w } GRAPH ?d { ?x ?y ?z } }"
    )
    response = requests.post(sparql_url, json={"query": runaway})
    assert response.status_code == 503
    assert response.json()["reason"] == "timeout"
    assert "time limit" in response.json()["detail"]
    assert _count(requests.post(sparql_url, json={"query": COUNT_POSTINGS})) == 40


def test_an_empty_data_dir_answers_from_an_empty_store(
    tmp_path: Path, full_graph: SkillGraph
) -> None:
    settings = full_graph.settings.replace({"data_dir": str(tmp_path)})
    app = create_app(settings, graph=dataclasses.replace(full_graph, settings=settings))
    response = app.test_client().post("/v1/sparql", json={"query": COUNT_POSTINGS})
    assert response.status_code == 200
    assert response.get_json(force=True)["results"]["bindings"][0]["n"]["value"] == "0"
