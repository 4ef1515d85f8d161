"""The REST API over HTTP, against a real server on the real ESCO snapshot."""

from __future__ import annotations

import pytest

from skillgraph import Ranking

PYTHON_UUID = "ccd0a1d9-afda-43d9-b901-96344886e14d"
POSTGRES = "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"
SOFTWARE_DEVELOPER_UUID = "f2b15a0e-e65a-438a-affb-29b9d50b77d1"
PROBLEM = "application/problem+json"


def test_health_describes_the_runtime(api_url, http, full_graph):
    body = http.get(f"{api_url}/health").json()
    assert body["status"] == "ok"
    assert body["profile"] == full_graph.settings.profile == "fast"
    assert body["esco_version"] == "v1.2.0"
    assert body["encoder"] == full_graph.encoder.name
    assert body["index_rows"] == len(full_graph.index) > 95_000  # label rows
    assert body["reranker"] == full_graph.settings.extraction.reranker == "skillgraph-minilm-esco"


def test_extract_ranks_python_and_postgresql(api_url, http, full_graph):
    text = "Experience with Python and PostgreSQL is required."
    response = http.post(f"{api_url}/v1/extract", json={"text": text, "top_k": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["esco_version"] == "v1.2.0"
    ranking = full_graph.extractor.model(Ranking(5))  # the encoder's, and its re-ranker's
    assert (body["model"], body["model_fingerprint"]) == (ranking.name, ranking.fingerprint)
    assert ranking.name == full_graph.encoder.name
    assert ranking.fingerprint.startswith(full_graph.encoder.fingerprint + "/")
    skills = body["skills"]
    assert len(skills) == 5
    uris = {s["uri"] for s in skills}
    assert f"http://data.europa.eu/esco/skill/{PYTHON_UUID}" in uris and POSTGRES in uris
    for skill in skills:
        # "evidence": the example memory's supporting examples (the seed's), only when any
        assert set(skill) - {"evidence"} == {
            *("uri", "label", "score", "probability", "skill_type", "sentence", "start", "end")
        }
        for example in skill.get("evidence", []):
            assert set(example) == {"example_id", "text", "similarity"}
        assert text[skill["start"] : skill["end"]] == skill["sentence"]
    probabilities = [s["probability"] for s in skills]  # the re-ranker's order
    assert probabilities == sorted(probabilities, reverse=True)


def test_extract_threshold_and_default_modes(api_url, http):
    text = "Install pipework.\nMaintain heating systems.\nWe offer free coffee."
    ranked = http.post(f"{api_url}/v1/extract", json={"text": text, "min_score": 0}).json()
    assert len(ranked["skills"]) == 10  # min_score 0: exactly the default top_k
    default = http.post(f"{api_url}/v1/extract", json={"text": text}).json()
    assert default["skills"], "installing pipework is an ESCO skill"
    for skill in default["skills"]:
        # The extraction mode: a calibrated probability and the evidence span in the input text.
        assert 0 < skill["probability"] <= 1
        assert text[skill["span_start"] : skill["span_end"]] == skill["span_text"]
        assert "coffee" not in skill["span_text"]
    assert "span_text" not in ranked["skills"][0]  # ranking: no spans, the re-ranker's order


def test_spans_are_the_taggers_spans_of_the_whole_text(api_url, http, full_graph):
    text = "Experience with Python and PostgreSQL.\nYou will manage a small team.\nFree coffee."
    response = http.post(f"{api_url}/v1/spans", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    reader = full_graph.extractor.spans.reader
    assert (body["model"], body["model_fingerprint"]) == (reader.name, reader.fingerprint)
    expected = full_graph.extractor.tag_spans([text])[0]
    assert body["spans"] == [span.to_dict() for span in expected]
    assert {"Python", "PostgreSQL"} <= {s["text"] for s in body["spans"]}
    for span in body["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert 0 < span["confidence"] <= 1
        assert "coffee" not in span["text"].lower()
    assert [s["start"] for s in body["spans"]] == sorted(s["start"] for s in body["spans"])


def test_skill_lookup_and_search(api_url, http):
    skill = http.get(f"{api_url}/v1/skills/{PYTHON_UUID}").json()
    assert skill["preferred_label"] == "Python (computer programming)"
    assert "Python" in skill["alt_labels"]
    assert skill["skill_type"] == "knowledge"
    assert any(b["label"] == "computer programming" for b in skill["broader"])
    results = http.get(f"{api_url}/v1/skills", params={"q": "python", "limit": 3}).json()
    assert results["results"][0]["uri"].endswith(PYTHON_UUID)
    assert len(results["results"]) <= 3


def test_occupation_lookup(api_url, http):
    response = http.get(f"{api_url}/v1/occupations/{SOFTWARE_DEVELOPER_UUID}")
    assert response.status_code == 200
    body = response.json()
    assert body["preferred_label"] == "software developer"
    assert body["isco_code"] == "2512"
    assert any(s["label"] == "computer programming" for s in body["essential_skills"])


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "detail"),
    [
        (
            "post",
            "/v1/extract",
            {"data": "{not json", "headers": {"Content-Type": "application/json"}},
            400,
            "not valid JSON",
        ),
        ("get", "/v1/skills", {}, 400, "query parameter q"),
        ("get", "/v1/skills", {"params": {"q": ","}}, 400, "no words"),
        ("get", "/v1/skills", {"params": {"q": "python", "limit": "many"}}, 422, "limit: input"),
        ("get", "/v1/skills", {"params": {"q": "python", "limit": 10**4}}, 422, "at most"),
        ("get", "/v1/skills/00000000-0000-0000-0000-000000000000", {}, 404, "no ESCO skill"),
        ("get", "/v1/occupations/not-a-uuid", {}, 404, "no ESCO occupation"),
        ("get", "/v1/nothing-here", {}, 404, "no such resource"),
        ("get", "/v1/extract", {}, 405, "method not allowed"),
        (
            "post",
            "/v1/extract",
            {"data": "x" * 2_000_000, "headers": {"Content-Type": "application/json"}},
            413,
            "too large",
        ),
        ("post", "/v1/extract", {"json": {"text": "a " * 60_000}}, 413, "text too long"),
        ("post", "/v1/extract", {"data": "text=python"}, 415, "as JSON"),
        ("post", "/v1/extract", {"json": {"txt": "python"}}, 422, "txt: unknown field"),
        ("post", "/v1/extract", {"json": {}}, 422, "text: missing field"),
        ("post", "/v1/extract", {"json": ["python"]}, 422, "JSON object"),
        ("post", "/v1/extract", {"json": {"text": "   "}}, 422, "text is empty"),
        (
            "post",
            "/v1/extract",
            {"json": {"text": 42}},
            422,
            "text: input should be a valid string",
        ),
        (
            "post",
            "/v1/extract",
            {"json": {"text": "python", "top_k": 0}},
            422,
            "top_k: input should be greater",
        ),
        (
            "post",
            "/v1/extract",
            {"json": {"text": "python", "top_k": "5"}},
            422,
            "top_k: input should be a valid integer",
        ),
        (
            "post",
            "/v1/extract",
            {"json": {"text": "python", "min_score": 2}},
            422,
            "min_score: input should be less",
        ),
        ("post", "/v1/spans", {"json": {"text": "python", "top_k": 3}}, 422, "unknown field"),
        ("post", "/v1/spans", {"json": {"text": ""}}, 422, "text is empty"),
        ("post", "/v1/spans", {"json": {"text": "a " * 60_000}}, 413, "text too long"),
        (
            "post",
            "/v1/extract",
            {"data": "[" * 5_000 + "]" * 5_000, "headers": {"Content-Type": "application/json"}},
            400,
            "nested too deeply",
        ),
        (
            "post",
            "/v1/extract",
            {
                "data": b'{"text": "\xff\xfe Python"}',
                "headers": {"Content-Type": "application/json"},
            },
            400,
            "not valid JSON",
        ),
        (
            "post",
            "/v1/spans",
            {"data": '{"text": "\\ud800 Python"}', "headers": {"Content-Type": "application/json"}},
            422,
            "unpaired surrogate",
        ),
        ("get", "/v1/examples/99999999999999999999999", {}, 404, "no stored example"),
        ("delete", "/v1/examples/99999999999999999999999", {}, 404, "no stored example"),
        (
            "post",
            "/v1/extract/batch",
            {"json": {"texts": []}},
            422,
            "texts: list should have at least 1 item",
        ),
        (
            "post",
            "/v1/extract/batch",
            {"json": {"texts": "python"}},
            422,
            "texts: input should be a valid list",
        ),
        (
            "post",
            "/v1/extract/batch",
            {"json": {"texts": ["x", 7]}},
            422,
            "texts.1: input should be a valid string",
        ),
        ("post", "/v1/extract/batch", {"json": {"texts": ["x"] * 101}}, 413, "limit 100"),
        ("post", "/v1/extract/batch", {"json": {"texts": ["x"], "top_k": 0}}, 422, "top_k"),
    ],
)
def test_errors_are_problem_details(api_url, http, method, path, kwargs, status, detail):
    response = getattr(http, method)(f"{api_url}{path}", **kwargs)
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert detail in body["detail"]
    assert "Traceback" not in response.text
    assert body["request_id"] == response.headers["X-Request-Id"]  # what the logs call it


def test_batch_answers_each_text_as_the_single_endpoint_does(api_url, http):
    texts = ["You know Python and SQL.", "", "a " * 60_000, "Manage a team of nurses."]
    response = http.post(f"{api_url}/v1/extract/batch", json={"texts": texts, "top_k": 3})
    assert response.status_code == 200
    body = response.json()
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3]
    assert body["errors"] == 2
    statuses = [r.get("error", {}).get("status") for r in body["results"]]
    assert statuses == [None, 422, 413, None]
    assert "texts[1]: text is empty" in body["results"][1]["error"]["detail"]
    for index in (0, 3):
        single = http.post(f"{api_url}/v1/extract", json={"text": texts[index], "top_k": 3})
        assert body["results"][index]["skills"] == single.json()["skills"]
    assert body["model"] == single.json()["model"]
