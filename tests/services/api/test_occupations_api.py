"""POST /v1/occupations/match and GET /v1/occupations through the app's test client."""

from __future__ import annotations

import pytest

from services.api import create_app

NURSE_AD = "You will administer medication, monitor patients and keep accurate care records."


@pytest.fixture(scope="module")
def client(full_graph):
    return create_app(full_graph.settings, graph=full_graph).test_client()


def test_a_title_gets_ranked_occupations_with_their_isco_path(client):
    answer = client.post("/v1/occupations/match", json={"title": "Bus Driver (PCV)", "top_k": 3})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["title"] == "Bus Driver (PCV)" and body["esco_version"] == "v1.2.0"
    best = body["occupations"][0]
    assert best["label"] == "bus driver" and best["isco_code"] == best["isco_path"][-1]["code"]
    assert len(body["occupations"]) <= 3
    assert "skills" not in body and "context" not in body


def test_with_the_ad_its_skills_come_with_their_relation_and_the_gap(client, full_graph):
    body = client.post(
        "/v1/occupations/match", json={"title": "Staff Nurse - Band 5", "text": NURSE_AD}
    ).get_json()
    assert body["occupations"][0]["label"] == "nurse responsible for general care"
    assert body["skills"], "the ad's skills"
    context = body["context"]
    assert context["occupation"] == body["occupations"][0]["uri"]
    assert [s["uri"] for s in context["skills"]] == [s["uri"] for s in body["skills"]]
    occupation = full_graph.taxonomy.occupation(context["occupation"])
    mentioned = {s["uri"] for s in body["skills"]}
    assert [s["uri"] for s in context["missing_essential"]] == [
        uri for uri in occupation.essential_skills if uri not in mentioned
    ]


def test_a_given_occupation_is_the_context(client, full_graph):
    cook = full_graph.taxonomy.find_occupations_by_label("cook")[0]
    body = client.post(
        "/v1/occupations/match",
        json={"title": "Staff Nurse", "text": NURSE_AD, "occupation": cook.uuid},
    ).get_json()
    assert body["context"]["occupation"] == cook.uri


def test_a_non_title_gets_an_empty_answer(client):
    body = client.post("/v1/occupations/match", json={"title": "Apply now!"}).get_json()
    assert body["occupations"] == []


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"title": "  "}, 422, "title is empty"),
        ({"title": "x" * 1001}, 413, "title is 1001 characters"),
        ({"title": "cook", "occupation": "no-such"}, 422, "no ESCO occupation"),
        ({"title": "cook", "text": "  "}, 422, "empty"),
        ({"title": 5}, 422, "title"),
        ({"title": "cook", "top_k": 0}, 422, "top_k"),
        ({"title": "cook", "extra": 1}, 422, "extra"),
    ],
)
def test_bad_requests_are_problems_naming_what_is_wrong(client, body, status, detail):
    answer = client.post("/v1/occupations/match", json=body)
    assert answer.status_code == status
    problem = answer.get_json()
    assert detail in problem["detail"] + str(problem.get("errors", ""))


def test_occupations_are_searched_by_label(client):
    body = client.get("/v1/occupations?q=kitchen porter&limit=2").get_json()
    assert body["results"][0]["label"] == "kitchen porter"
    assert body["results"][0]["isco_code"] == "9412" and len(body["results"]) <= 2
    assert client.get("/v1/occupations?q=").status_code == 400
    assert client.get("/v1/occupations?q=cook&limit=100000").status_code == 422


def test_extract_with_a_title_adds_its_occupations_and_the_skills_context(client):
    plain = client.post("/v1/extract", json={"text": NURSE_AD}).get_json()
    assert "occupations" not in plain and "context" not in plain
    body = client.post("/v1/extract", json={"text": NURSE_AD, "title": "Staff Nurse"}).get_json()
    assert body["skills"] == plain["skills"]
    assert body["occupations"][0]["label"] == "nurse responsible for general care"
    assert body["context"]["occupation"] == body["occupations"][0]["uri"]
    assert [s["uri"] for s in body["context"]["skills"]] == [s["uri"] for s in body["skills"]]
    none = client.post("/v1/extract", json={"text": NURSE_AD, "title": "Apply now!"}).get_json()
    assert none["occupations"] == [] and none["context"] is None
    assert client.post("/v1/extract", json={"text": NURSE_AD, "title": " "}).status_code == 422


def test_extract_with_a_given_occupation_sets_the_skills_against_it(client, full_graph):
    cook = full_graph.taxonomy.find_occupations_by_label("cook")[0]
    body = client.post(
        "/v1/extract", json={"text": NURSE_AD, "title": "Staff Nurse", "occupation": cook.uuid}
    ).get_json()
    assert body["occupations"][0]["label"] == "nurse responsible for general care"
    assert body["context"]["occupation"] == cook.uri and body["context"]["label"] == "cook"
    mentioned = {s["uri"] for s in body["skills"]}
    assert [s["uri"] for s in body["context"]["missing_essential"]] == [
        uri for uri in cook.essential_skills if uri not in mentioned
    ]
    alone = client.post("/v1/extract", json={"text": NURSE_AD, "occupation": cook.uri}).get_json()
    assert alone["occupations"] == [] and alone["context"] == body["context"]
    unknown = client.post("/v1/extract", json={"text": NURSE_AD, "occupation": "no-such"})
    assert unknown.status_code == 422 and "no ESCO occupation" in unknown.get_json()["detail"]
