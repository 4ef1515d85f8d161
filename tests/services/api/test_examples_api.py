"""POST/GET/DELETE /v1/examples over HTTP, on a real server with a memory of its own."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import requests

from services.api import create_app
from services.api.server import serving_in_thread
from skillgraph import SkillGraph

P = "http://data.europa.eu/esco/skill/"
SANITATION = P + "0c944316-12f6-4949-a156-a03dbaae790f"  # "ensure sanitation"
PYTHON = P + "ccd0a1d9-afda-43d9-b901-96344886e14d"
SQL = P + "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
UNKNOWN = P + "00000000-0000-0000-0000-000000000000"
EXAMPLE = "Keep the kitchen clean and sanitary at all times."
PARAPHRASE = "You will be responsible for keeping our kitchens spotless and hygienic."
PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[3]


def serve(graph: SkillGraph) -> AbstractContextManager[str]:
    return serving_in_thread(create_app(graph.settings, graph=graph))


def memory_graph(full_graph: SkillGraph, data_dir: Path, **overrides: str) -> SkillGraph:
    """The full runtime with an unseeded memory of its own in ``data_dir``."""
    settings = full_graph.settings.replace(
        {
            "data_dir": data_dir,
            "memory.enabled": "true",
            "memory.seed": "",
            "memory.max_batch": "3",
            **overrides,
        }
    )
    return SkillGraph.assemble(settings, full_graph.taxonomy, full_graph.encoder, full_graph.index)


@pytest.fixture(scope="module")
def served(full_graph, tmp_path_factory) -> Iterator[tuple[str, SkillGraph]]:
    graph = memory_graph(full_graph, tmp_path_factory.mktemp("data"))
    with serve(graph) as url:
        yield url, graph


@pytest.fixture(scope="module")
def http(served) -> Iterator[requests.Session]:
    """Closed before the server stops, so that no kept-alive connection holds it open."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def memory_api(served) -> tuple[str, SkillGraph]:
    """The server, its memory emptied (removed ids are never reused, so tests stay apart)."""
    url, graph = served
    for example in graph.memory.examples(limit=10_000):
        graph.memory.remove(example.id)
    return url, graph


def top5(http, url: str, text: str) -> list[dict]:
    response = http.post(f"{url}/v1/extract", json={"text": text, "top_k": 5})
    assert response.status_code == 200
    return response.json()["skills"]


def test_teaching_one_example_then_deleting_it(memory_api, http):
    url, _ = memory_api
    before = top5(http, url, PARAPHRASE)
    assert SANITATION not in {s["uri"] for s in before}
    response = http.post(f"{url}/v1/examples", json={"text": EXAMPLE, "skills": [SANITATION]})
    assert response.status_code == 201
    stored = response.json()
    assert stored["text"] == EXAMPLE and stored["skills"] == [SANITATION]
    assert stored["negatives"] == [] and stored["source"] == "api" and not stored["merged"]
    after = top5(http, url, PARAPHRASE)
    taught = next(s for s in after if s["uri"] == SANITATION)
    assert [e["example_id"] for e in taught["evidence"]] == [stored["id"]]
    assert taught["evidence"][0]["text"] == EXAMPLE
    assert http.get(f"{url}/v1/examples/{stored['id']}").json()["text"] == EXAMPLE
    assert http.delete(f"{url}/v1/examples/{stored['id']}").status_code == 204
    assert top5(http, url, PARAPHRASE) == before
    gone = http.delete(f"{url}/v1/examples/{stored['id']}")
    assert gone.status_code == 404 and gone.headers["Content-Type"] == PROBLEM
    assert http.get(f"{url}/v1/examples/{stored['id']}").status_code == 404


def test_duplicates_merge_into_one_example(memory_api, http):
    url, _ = memory_api
    first = http.post(f"{url}/v1/examples", json={"text": "You write Python.", "skills": [PYTHON]})
    again = http.post(
        f"{url}/v1/examples",
        json={"text": "you write  PYTHON.", "skills": [SQL, PYTHON], "source": "review"},
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["merged"]
    assert again.json()["skills"] == [PYTHON, SQL]
    listed = http.get(f"{url}/v1/examples").json()
    assert listed["total"] == 1 and [e["id"] for e in listed["examples"]] == [first.json()["id"]]


def test_batches_listing_and_paging(memory_api, http):
    url, _ = memory_api
    batch = [{"text": f"Example number {i}.", "skills": [PYTHON]} for i in range(3)]
    response = http.post(f"{url}/v1/examples", json={"examples": batch})
    assert response.status_code == 201
    ids = [e["id"] for e in response.json()["examples"]]
    assert len(set(ids)) == 3
    page = http.get(f"{url}/v1/examples", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 3 and [e["id"] for e in page["examples"]] == ids[1:]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"text": "You know Python.", "skills": [UNKNOWN]}, 422, UNKNOWN),
        ({"text": "   ", "skills": [PYTHON]}, 422, "text is empty"),
        ({"text": "You know Python."}, 422, "at least one skill"),
        (
            {"text": "You know Python.", "skills": PYTHON},
            422,
            "skills: input should be a valid list",
        ),
        ({"text": 3, "skills": [PYTHON]}, 422, "text: input should be a valid string"),
        ({"skills": [PYTHON]}, 422, "text: missing field"),
        ({"text": "x", "skills": [PYTHON], "colour": "red"}, 422, "colour: unknown field"),
        ({"text": "x" * 3000, "skills": [PYTHON]}, 413, "text too long"),
        ({"examples": [{"text": f"t{i}", "skills": [PYTHON]} for i in range(4)]}, 413, "limit 3"),
        ({"examples": []}, 422, "examples: list should have at least 1 item"),
        ({"examples": [{"text": "ok", "skills": [PYTHON]}], "text": "x"}, 422, "not both"),
    ],
)
def test_bad_input_gets_a_problem_and_stores_nothing(memory_api, http, body, status, detail):
    url, graph = memory_api
    response = http.post(f"{url}/v1/examples", json=body)
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    assert detail in response.json()["detail"]
    assert len(graph.memory) == 0


def test_a_batch_with_bad_examples_names_each_and_stores_none(memory_api, http):
    url, graph = memory_api
    batch = [
        {"text": "You know Python.", "skills": [PYTHON]},
        {"text": "", "skills": [PYTHON]},
        {"text": "You know SQL.", "skills": [UNKNOWN]},
    ]
    response = http.post(f"{url}/v1/examples", json={"examples": batch})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [1, 2] and UNKNOWN in errors[1]["detail"]
    assert len(graph.memory) == 0
    assert http.post(f"{url}/v1/examples", data="text").status_code == 415


WRITER = """
import sys
from pathlib import Path
import numpy as np
from skillgraph.memory import ExampleStore, LabelledExample
store = ExampleStore(Path(sys.argv[1]))
(added,) = store.add([LabelledExample(sys.argv[2], (sys.argv[3],))], np.ones((1, 4)), "other@1")
print(added.example.id)
"""


def test_examples_another_process_adds_are_used_on_the_next_request(memory_api, http):
    url, graph = memory_api
    assert SANITATION not in {s["uri"] for s in top5(http, url, PARAPHRASE)}
    # Another process, with another encoder: the server embeds the text again for its own.
    written = subprocess.run(
        [sys.executable, "-c", WRITER, str(graph.memory.store.path), EXAMPLE, SANITATION],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    example_id = int(written.stdout)
    taught = next(s for s in top5(http, url, PARAPHRASE) if s["uri"] == SANITATION)
    assert [e["example_id"] for e in taught["evidence"]] == [example_id]


def test_a_server_without_memory_says_so(full_graph, tmp_path):
    with serve(memory_graph(full_graph, tmp_path, **{"memory.enabled": "false"})) as url:
        close = {"Connection": "close"}  # nothing kept alive to hold the server open
        response = requests.get(f"{url}/v1/examples", headers=close)
        assert response.status_code == 409 and "memory.enabled" in response.json()["detail"]
        assert requests.get(f"{url}/health", headers=close).json()["memory_examples"] is None
