"""POST /v1/procedure and /v1/procedure/induce over HTTP, against the real server."""

from __future__ import annotations

import pytest

from skillgraph.procedure import GRAPH_FORMAT, graph_from_dict

PROBLEM = "application/problem+json"
AD = (
    "Gas Heating Engineer\n"
    "What you'll do\n"
    "- Survey properties\n"
    "- Prepare the site before installing pipework\n"
    "- Install and commission gas boilers\n"
    "- Once the pipework is installed, pressure test the system\n"
    "Benefits\n"
    "- Company van\n"
)


def test_an_ad_gives_its_steps_their_skills_and_its_graph(api_url, http):
    response = http.post(f"{api_url}/v1/procedure", json={"text": AD, "key": "heating"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["esco_version"] == "v1.2.0"
    steps = body["steps"]
    sequence = [steps[i]["text"] for i in body["order"]]
    assert sequence == [
        "survey properties",
        "prepare the site",
        "install pipework",
        "install gas boilers",
        "commission gas boilers",
        "pressure test the system",
    ]
    for step in steps:
        assert AD[step["start"] : step["end"]] == step["source"]
        assert len(step["skills"]) <= 3 and all(s["probability"] for s in step["skills"])
    [boilers] = [step for step in steps if step["text"] == "install gas boilers"]
    labels = {skill["label"] for skill in boilers["skills"]}
    # Either ESCO skill is right for it (the step linking benchmark measures how often it is).
    assert labels & {"install heating boiler", "install gas heaters"}, labels
    cues = {(steps[c["before"]]["text"], steps[c["after"]]["text"]) for c in body["constraints"]}
    assert ("install pipework", "pressure test the system") in cues

    graph = graph_from_dict(body["graph"])
    assert body["graph"]["format"] == GRAPH_FORMAT
    assert graph.key == "heating" and graph.sequences == 1 and graph.unit == "ads"
    assert sorted(node.text for node in graph.nodes) == sorted(sequence)
    linked = {step["text"]: step["skills"] for step in steps}
    assert all(len(node.skills) == len(linked[node.text]) for node in graph.nodes)
    assert graph.skill_linking is not None and graph.skill_linking["method"] == "extraction"
    # The graph keeps the ad's partial order: every stated precedence is a DAG edge.
    ids = {node.text: node.id for node in graph.nodes}
    dag = {(e.source, e.target) for e in graph.dag_edges()}
    for pair in body["structure"]["precedes"]:
        before, after = steps[pair["before"]]["text"], steps[pair["after"]]["text"]
        assert (ids[before], ids[after]) in dag, (before, after)
    rules = {e.rule for edge in graph.edges for e in edge.evidence}
    assert rules == {"explicit-order", "text-order"}


def test_an_ads_structure_comes_back_with_its_evidence(api_url, http):
    text = (
        "Duties:\n- Replace worn belts, or order them from the supplier if not in stock\n"
        "- Ideally, you will also train apprentices\n"
    )
    response = http.post(f"{api_url}/v1/procedure", json={"text": text})
    assert response.status_code == 200, response.text
    body = response.json()
    texts = [step["text"] for step in body["steps"]]
    assert texts == [
        "replace worn belts",
        "order worn belts from the supplier",
        "train apprentices",
    ]
    [alternative] = body["structure"]["alternatives"]
    assert alternative["steps"] == [0, 1]
    evidence = alternative["evidence"]
    assert (evidence["rule"], evidence["cue"]) == ("alternative", "or")
    assert text[evidence["start"] : evidence["end"]] == "or"
    assert body["steps"][1]["conditions"] == ["if not in stock"]
    assert body["steps"][2]["optional"]
    [unordered] = body["structure"]["unordered"]
    assert unordered["steps"] == [0, 1, 2]
    graph = graph_from_dict(body["graph"])
    assert [e.relation.value for e in graph.edges] == ["alternative"]
    assert graph.unordered and graph.unordered[0].count == 1


def test_many_sequences_give_a_graph_and_bad_ones_are_listed(api_url, http):
    sequences = [
        ["prepare the site", "install pipework", "fit the boiler"],
        ["prepare the site", "fit the boiler", "install pipework"],
        [],
        ["fit the boiler"],
    ]
    response = http.post(
        f"{api_url}/v1/procedure/induce",
        json={"sequences": sequences, "key": "boiler", "skills": False},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    graph = graph_from_dict(body["graph"])
    assert graph.sequences == 2
    assert {n.text for n in graph.nodes} == {
        "prepare the site",
        "install pipework",
        "fit the boiler",
    }
    assert all(not node.skills for node in graph.nodes)
    assert [r["index"] for r in body["rejected"]] == [2, 3]
    assert body["rejected"][0]["reason"] == "the sequence is empty"
    assert "at least 2" in body["rejected"][1]["reason"]


@pytest.mark.parametrize(
    ("path", "payload", "status", "detail"),
    [
        ("/v1/procedure", {"text": "   "}, 422, "text is empty"),
        ("/v1/procedure", {"text": "We are a friendly company."}, 422, "no duty steps"),
        ("/v1/procedure", {"text": "Install boilers.", "key": 3}, 422, "key: input should be"),
        ("/v1/procedure", {"text": "Install boilers.", "key": "  "}, 422, "key: must not be blank"),
        ("/v1/procedure", {"text": "x", "colour": "red"}, 422, "unknown field"),
        ("/v1/procedure/induce", {"sequences": [[], ["one"]]}, 422, "no usable sequence"),
        (
            "/v1/procedure/induce",
            {"sequences": {"a": 1}},
            422,
            "sequences: input should be a valid list",
        ),
        (
            "/v1/procedure/induce",
            {"sequences": [["prepare the site", 5]]},
            422,
            "sequences.0.1: input should be a valid string",
        ),
        (
            "/v1/procedure/induce",
            {"sequences": [], "skills": "yes"},
            422,
            "skills: input should be a valid boolean",
        ),
        ("/v1/procedure/induce", {}, 422, "missing field"),
    ],
)
def test_bad_requests_are_problem_details(api_url, http, path, payload, status, detail):
    response = http.post(f"{api_url}{path}", json=payload)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(PROBLEM)
    assert detail in response.json()["detail"]


def test_a_rejected_induction_says_why_for_each_sequence(api_url, http):
    response = http.post(f"{api_url}/v1/procedure/induce", json={"sequences": [[], ["one"]]})
    assert response.status_code == 422
    assert [r["index"] for r in response.json()["rejected"]] == [0, 1]


def test_an_over_long_ad_and_a_non_json_body_are_refused(api_url, http, full_graph):
    long_text = "x" * (full_graph.settings.extraction.max_text_chars + 1)
    response = http.post(f"{api_url}/v1/procedure", json={"text": long_text})
    assert response.status_code == 413
    plain = {"Content-Type": "text/plain"}
    response = http.post(f"{api_url}/v1/procedure", data="text", headers=plain)
    assert response.status_code == 415
    assert response.headers["Content-Type"].startswith(PROBLEM)


@pytest.mark.usefixtures("no_english_model")
def test_without_the_english_model_procedure_answers_501(api_url, http):
    response = http.post(f"{api_url}/v1/procedure", json={"text": "Install boilers."})
    assert response.status_code == 501
    assert "skillgraph-esco[procedure]" in response.json()["detail"]


def test_many_ads_give_one_graph_per_occupation(api_url, http):
    software = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
    ads = [
        {"text": "Duties:\n- Write unit tests\n- Then deploy services to production\n",
         "occupation": "software developer"},
        {"text": "Duties:\n- Write unit tests\n- Fix bugs\n", "occupation": software},
        {"text": "Duties:\n- Unclog drains\n- Then fit the boiler\n",
         "title": "Plumber (domestic)"},
        {"text": "We are a friendly company.", "occupation": "software developer"},
        {"text": "Duties:\n- Stack shelves\n", "title": "Apply now!"},
        {"text": "Duties:\n- Stack shelves\n- Serve customers\n"},
        {"text": "   ", "occupation": "software developer"},
    ]  # fmt: skip
    response = http.post(f"{api_url}/v1/procedure/graphs", json={"ads": ads, "skills": False})
    assert response.status_code == 200, response.text
    body = response.json()
    groups = {(g["label"] or g["key"]): g for g in body["groups"]}
    assert groups["software developer"]["key"] == software
    assert groups["software developer"]["ads"] == [0, 1]
    assert groups["plumber"]["ads"] == [2]
    assert groups["ads"]["ads"] == [5]  # neither field: the request's key
    assert [(r["index"], r["reason"]) for r in body["rejected"]] == [
        (3, "no duty steps found"),
        (4, "no ESCO occupation matches the title 'Apply now!'"),
        (6, "text is empty"),
    ]
    graphs = {graph["key"]: graph_from_dict(graph) for graph in body["graphs"]}
    developer = graphs[software]
    assert (developer.label, developer.unit, developer.sequences) == (
        "software developer",
        "ads",
        2,
    )
    support = {node.text: node.support for node in developer.nodes}
    assert support == {"write unit tests": 2, "deploy services to production": 1, "fix bugs": 1}
    assert graphs["ads"].unordered  # a bullet list without sequence words


def test_graphs_of_ads_refuse_a_request_with_nothing_usable(api_url, http):
    response = http.post(f"{api_url}/v1/procedure/graphs", json={"ads": [{"text": "Hello."}]})
    assert response.status_code == 422
    assert response.json()["rejected"] == [{"index": 0, "reason": "no duty steps found"}]
    response = http.post(f"{api_url}/v1/procedure/graphs", json={"ads": []})
    assert response.status_code == 422
