"""``skillgraph procedure extract | induce | predict`` end to end on files."""

from __future__ import annotations

import json
from pathlib import Path

from skillgraph.procedure import GRAPH_SET_FORMAT

HEATING = (
    "Heating Engineer\n"
    "Duties:\n"
    "- Prepare the site before installing pipework\n"
    "- Fit the boiler and commission the system\n"
    "Requirements:\n"
    "- Gas Safe registered\n"
)
PLUMBER = "What you'll do:\n- Prepare the site\n- Install pipework\n- Commission the system\n"
DRIVER = "Responsibilities\n- Load the van, then plan the route\n- Deliver parcels to customers\n"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _texts(graph: dict) -> list[str]:
    return [node["text"] for node in graph["nodes"]]


def test_extract_builds_one_graph_per_group_and_reports_bad_rows(cli, tmp_path):
    ads = tmp_path / "ads.jsonl"
    rows = [
        {"id": "a1", "text": HEATING, "occupation": "plumber"},
        {"id": "a2", "text": PLUMBER, "occupation": "plumber"},
        {"id": "a3", "text": DRIVER, "occupation": "driver"},
        {"id": "a4", "text": "", "occupation": "driver"},
        {"id": "a5", "text": DRIVER, "occupation": " "},
        {"id": "a6", "text": "We are a friendly company.", "occupation": "driver"},
    ]
    lines = [json.dumps(row) for row in rows]
    lines.insert(3, "{broken")
    ads.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output, steps = tmp_path / "graphs.json", tmp_path / "steps.jsonl"
    result = cli(
        "procedure", "extract", str(ads), "--group-column", "occupation",
        "-o", str(output), "--steps", str(steps),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["format"] == GRAPH_SET_FORMAT
    graphs = {g["key"]: g for g in document["graphs"]}
    assert sorted(graphs) == ["driver", "plumber"]
    plumber = graphs["plumber"]
    assert plumber["sequences"] == 2 and plumber["unit"] == "ads"
    # The heating ad orders its steps ("before"); the plumber's list without sequence words
    # orders nothing, and the graph says so.
    assert _texts(plumber)[0] == "prepare the site"
    assert {"install pipework", "fit the boiler"} == set(_texts(plumber)[1:3])
    site = next(n for n in plumber["nodes"] if n["text"] == "prepare the site")
    assert site["support"] == 2
    [unordered] = plumber["unordered"]
    assert unordered["count"] == 1 and len(unordered["nodes"]) == 3
    assert unordered["evidence"][0]["rule"] == "unordered-list"
    assert _texts(graphs["driver"]) == [
        "load the van", "plan the route", "deliver parcels to customers",
    ]  # fmt: skip

    errors = _lines(Path(f"{output}.errors.jsonl"))
    assert [(e["row"], e["id"]) for e in errors] == [(4, None), (5, "a4"), (6, "a5"), (7, "a6")]
    assert "invalid JSON" in errors[0]["reason"]
    assert errors[1]["reason"] == "empty text"
    assert errors[2]["reason"] == "group column 'occupation': is empty"
    assert errors[3]["reason"] == "no duty steps found"
    assert "7 ads: 3 with steps, 4 rejected; 2 graphs" in result.stderr

    per_ad = _lines(steps)
    assert [(r["id"], r["group"]) for r in per_ad] == [
        ("a1", "plumber"), ("a2", "plumber"), ("a3", "driver"),
    ]  # fmt: skip
    for step in per_ad[0]["steps"]:
        assert HEATING[step["start"] : step["end"]] == step["source"]
    [constraint] = per_ad[0]["constraints"]
    assert constraint["cue"] == "before"


def test_extract_reads_csv_from_stdin_into_one_graph(cli, tmp_path):
    csv_text = "id,text\r\n" + f'p1,"{PLUMBER}"\r\n' + f'p2,"{PLUMBER}"\r\n'
    output = tmp_path / "graphs.json"
    result = cli(
        "procedure", "extract", "-", "--input-format", "csv", "-o", str(output), input=csv_text
    )
    assert result.exit_code == 0, result.output
    [graph] = json.loads(output.read_text(encoding="utf-8"))["graphs"]
    assert graph["key"] == "all" and graph["sequences"] == 2
    assert _texts(graph) == ["prepare the site", "install pipework", "commission the system"]
    # Linked after induction, through the extraction core: none of the small snapshot's 28
    # skills fits these steps, so each says "no skill" rather than naming the nearest three.
    assert graph["skill_linking"]["method"] == "extraction"
    assert all(node["skills"] == [] for node in graph["nodes"])
    assert graph["provenance"]["input"] == "stdin"


def test_induce_groups_sequences_and_reports_bad_lines(cli, tmp_path):
    paths = tmp_path / "paths.jsonl"
    good = [
        {"task": "van", "steps": ["load the van", "plan the route", "drive off"]},
        {"task": "van", "steps": ["plan the route", "load the van", "drive off"]},
        {"task": 7, "steps": ["wash hands", "put on gloves"]},
    ]
    bad = [
        '{"task": "van", "steps": []}',
        '{"task": "van", "steps": ["drive off"]}',
        '{"steps": ["a", "b"]}',
        "[1, 2]",
        "{not json",
        '{"task": "van", "steps": ["load the van", ""]}',
    ]
    lines = [json.dumps(good[0]), *bad[:3], "", json.dumps(good[1]), *bad[3:], json.dumps(good[2])]
    paths.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "graphs.json"
    result = cli("procedure", "induce", str(paths), "-o", str(output), "--no-skills")
    assert result.exit_code == 0, result.output
    graphs = {g["key"]: g for g in json.loads(output.read_text(encoding="utf-8"))["graphs"]}
    assert sorted(graphs) == ["7", "van"]
    assert graphs["van"]["sequences"] == 2
    assert all(not node["skills"] for node in graphs["van"]["nodes"])
    relations = {e["relation"] for e in graphs["van"]["edges"]}
    assert relations <= {"precedes", "interchangeable", "back"}

    errors = _lines(Path(f"{output}.errors.jsonl"))
    assert [e["line"] for e in errors] == [2, 3, 4, 7, 8, 9]
    reasons = [e["reason"] for e in errors]
    assert reasons[0] == "the sequence is empty"
    assert "at least 2 are needed" in reasons[1]
    assert "task must be a string or an integer" in reasons[2]
    assert "expected a JSON object" in reasons[3]
    assert "invalid JSON" in reasons[4]
    assert reasons[5] == "step 1 is empty"
    assert "9 sequences: 3 used, 6 rejected" in result.stderr


def test_induce_links_skills_and_refuses_input_with_nothing_usable(cli, tmp_path):
    paths = tmp_path / "paths.jsonl"
    steps = ["manage staff", "write SQL queries", "debug software"]
    paths.write_text(json.dumps({"task": "t", "steps": steps}) + "\n")
    output = tmp_path / "graphs.json"
    assert cli("procedure", "induce", str(paths), "-o", str(output)).exit_code == 0
    [graph] = json.loads(output.read_text(encoding="utf-8"))["graphs"]
    linking = graph["skill_linking"]
    assert linking["method"] == "extraction"
    labels = {node["text"]: {s["label"] for s in node["skills"]} for node in graph["nodes"]}
    assert "manage staff" in labels["manage staff"] and "debug software" in labels["debug software"]
    for node in graph["nodes"]:
        assert len(node["skills"]) <= linking["max_skills"]
        assert all(s["probability"] >= linking["threshold"] for s in node["skills"])
    assert graph["esco_version"] == "v1.2.0"

    paths.write_text('{"task": "t", "steps": ["only"]}\n')
    result = cli("procedure", "induce", str(paths), "-o", str(output))
    assert result.exit_code != 0
    assert "no usable sequence" in result.output
    assert "Traceback" not in result.output


def test_predict_answers_known_tasks_and_reports_the_rest(cli, tmp_path):
    paths = tmp_path / "paths.jsonl"
    sequences = [["prepare the site", "install pipework", "fit the boiler", "test the system"]]
    sequences += [["prepare the site", "fit the boiler", "install pipework", "test the system"]]
    paths.write_text("".join(json.dumps({"task": "boiler", "steps": s}) + "\n" for s in sequences))
    graphs = tmp_path / "graphs.json"
    assert cli("procedure", "induce", str(paths), "-o", str(graphs), "--no-skills").exit_code == 0
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        "\n".join(
            [
                json.dumps({"id": "q1", "task": "boiler", "prefix": ["prepare the site"], "k": 2}),
                json.dumps({"task": "welding", "prefix": ["weld"]}),
                json.dumps({"task": "boiler", "prefix": ["Prepare the site", "fit a boiler"]}),
                json.dumps({"task": "boiler", "prefix": "prepare the site"}),
                json.dumps({"task": "boiler", "k": 99}),
            ]
        )
        + "\n"
    )
    output = tmp_path / "out.jsonl"
    result = cli("procedure", "predict", str(graphs), str(queries), "-o", str(output))
    assert result.exit_code == 0, result.output
    answers = _lines(output)
    assert [a["id"] for a in answers] == ["q1", "3"]
    first = answers[0]
    assert len(first["next"]) == 2
    assert {n["step"] for n in first["next"]} == {"install pipework", "fit the boiler"}
    assert first["completion"][-1] == "test the system"
    assert answers[1]["next"][0]["step"] == "install pipework"  # "fit a boiler" ~ fit the boiler
    assert answers[1]["unmatched"] == []
    errors = _lines(Path(f"{output}.errors.jsonl"))
    assert [e["row"] for e in errors] == [2, 4, 5]
    assert "unknown task 'welding'" in errors[0]["reason"]
    assert "'boiler'" in errors[0]["reason"]
    assert "prefix must be a list" in errors[1]["reason"]
    assert "k must be an integer from 1 to 50" in errors[2]["reason"]


def test_predict_refuses_a_file_that_is_not_a_graph(cli, tmp_path):
    graphs = tmp_path / "graphs.json"
    graphs.write_text('{"format": "something"}')
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"task": "x"}\n')
    result = cli("procedure", "predict", str(graphs), str(queries))
    assert result.exit_code != 0
    assert "expected format" in result.output
    assert "Traceback" not in result.output


def test_an_ad_with_too_many_steps_is_rejected_alone(cli, tmp_path):
    ads = tmp_path / "ads.jsonl"
    short = "Duties:\n- Load the van\n- Deliver parcels\n"
    ads.write_text(
        json.dumps({"id": "long", "text": PLUMBER}) + "\n" + json.dumps({"id": "ok", "text": short})
    )
    output = tmp_path / "graphs.json"
    result = cli(
        "--set", "procedure.max_steps_per_sequence=2", "procedure", "extract", str(ads),
        "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [graph] = json.loads(output.read_text(encoding="utf-8"))["graphs"]
    assert graph["sequences"] == 1
    assert _texts(graph) == ["load the van", "deliver parcels"]
    [error] = _lines(Path(f"{output}.errors.jsonl"))
    assert error["id"] == "long"
    assert error["reason"] == "the sequence has 3 steps (limit 2)"


def test_an_ads_structure_goes_from_extract_to_the_rdf_export(cli, tmp_path):
    ads = tmp_path / "ads.jsonl"
    text = (
        "Duties:\n- Replace worn parts, or order them from the supplier if not in stock\n"
        "- Keep the workshop tidy\n"
    )
    ads.write_text(json.dumps({"id": "m1", "text": text}) + "\n", encoding="utf-8")
    output = tmp_path / "graphs.json"
    assert cli("procedure", "extract", str(ads), "-o", str(output)).exit_code == 0
    [graph] = json.loads(output.read_text(encoding="utf-8"))["graphs"]
    nodes = {node["id"]: node for node in graph["nodes"]}
    [alternative] = [e for e in graph["edges"] if e["relation"] == "alternative"]
    assert {nodes[alternative["source"]]["text"], nodes[alternative["target"]]["text"]} == {
        "replace worn parts",
        "order worn parts from the supplier",
    }
    order = next(n for n in nodes.values() if n["text"] == "order worn parts from the supplier")
    assert order["optional"]
    assert {(e["rule"], e["cue"]) for e in order["evidence"]} == {
        ("condition", "if not in stock"),
        ("pronoun", "them -> worn parts"),
    }
    assert graph["unordered"][0]["evidence"][0]["rule"] == "unordered-list"

    rdf = tmp_path / "graphs.nt"
    result = cli("export", "procedures", str(output), "-o", str(rdf), "--format", "ntriples")
    assert result.exit_code == 0, result.output
    written = rdf.read_text(encoding="utf-8")
    assert "https://w3id.org/skillgraph/ns#alternativeTo" in written
    assert '"if not in stock"' in written


SOFTWARE = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
ADS_OF_OCCUPATIONS = [
    {"id": "s1", "title": "Senior Software Developer (Python)", "occupation": "software developer",
     "text": "Duties:\n- Write unit tests before merging code\n- Review pull requests\n"
             "- Deploy services to production\n"},
    {"id": "s2", "title": "Programmer", "occupation": SOFTWARE,
     "text": "What you'll do:\n- Write unit tests\n- Then deploy services to production\n"
             "- Fix bugs\n"},
    {"id": "d1", "title": "Database Programmer", "occupation": "database developer",
     "text": "Duties:\n- Design the database schema\n- Write SQL queries\n"},
    {"id": "x1", "title": "Apply now!", "occupation": "night team",
     "text": "Duties:\n- Write SQL queries\n"},
]  # fmt: skip


def _occupation_ads(tmp_path) -> Path:
    ads = tmp_path / "ads.jsonl"
    ads.write_text("".join(json.dumps(row) + "\n" for row in ADS_OF_OCCUPATIONS))
    return ads


def test_extract_gives_one_graph_per_occupation_with_the_ads_behind_each_count(cli, tmp_path):
    output = tmp_path / "graphs.json"
    result = cli(
        "procedure", "extract", str(_occupation_ads(tmp_path)), "--group-column", "occupation",
        "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    graphs = {g["key"]: g for g in json.loads(output.read_text(encoding="utf-8"))["graphs"]}
    # A label and a URI of one occupation make one graph, keyed by the URI.
    assert set(graphs) == {
        SOFTWARE,
        "http://data.europa.eu/esco/occupation/b11e1742-5e28-4270-b081-b0193d85ee7d",
        "night team",
    }
    software = graphs[SOFTWARE]
    assert (software["label"], software["unit"], software["sequences"]) == (
        "software developer",
        "ads",
        2,
    )
    nodes = {node["text"]: node for node in software["nodes"]}
    assert nodes["write unit tests"]["support"] == 2  # both ads
    assert nodes["review pull requests"]["support"] == 1
    edges = {(e["source"], e["target"]): e for e in software["edges"]}
    tests, deploy = nodes["write unit tests"]["id"], nodes["deploy services to production"]["id"]
    assert edges[(tests, deploy)]["support"] == 1  # the second ad; the first has a step between
    [stated] = edges[(tests, deploy)]["evidence"]
    assert (stated["rule"], stated["cue"], stated["count"]) == ("explicit-order", "then", 1)
    assert "start" not in stated  # places belong to one ad; a graph of many counts them
    assert graphs["night team"]["label"] is None


def test_extract_can_group_ads_by_the_occupation_their_title_matches(cli, tmp_path):
    output = tmp_path / "graphs.json"
    result = cli(
        "procedure", "extract", str(_occupation_ads(tmp_path)), "--title-column", "title",
        "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    graphs = json.loads(output.read_text(encoding="utf-8"))["graphs"]
    assert {g["label"] for g in graphs} == {"software developer", "database developer"}
    assert all(g["key"].startswith("http://data.europa.eu/esco/occupation/") for g in graphs)
    [error] = _lines(Path(f"{output}.errors.jsonl"))
    assert error["id"] == "x1" and "no ESCO occupation matches the title" in error["reason"]
    both = cli("procedure", "extract", "-", "--group-column", "a", "--title-column", "b")
    assert both.exit_code != 0 and "pick one" in both.output
