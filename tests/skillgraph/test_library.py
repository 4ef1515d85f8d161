"""``skillgraph.load()`` and the Pipeline a notebook user works with: one result per input,
errors in place of bad inputs, the same answers as the runtime underneath."""

from __future__ import annotations

import math

import pytest

import skillgraph
from skillgraph import ConfigError, Pipeline, Ranking
from skillgraph import library as library_module

AD = "You will build REST APIs in Python and PostgreSQL. You mentor two junior engineers."


@pytest.fixture(scope="module")
def pipeline(full_graph) -> Pipeline:
    return Pipeline(full_graph)


def test_one_text_gives_one_result_as_the_runtime_extracts(pipeline, full_graph):
    result = pipeline.extract(AD)
    assert result.ok and result.index == 0 and result.text == AD
    assert result.skills == tuple(full_graph.extractor.extract(AD))
    assert result.skills and all(skill.probability is not None for skill in result.skills)
    mode = full_graph.extractor.mode()
    assert result.model == full_graph.extractor.model(mode)
    assert result.to_dict()["skills"] == [s.to_dict() for s in result.skills]


def test_bad_inputs_get_errors_in_place_and_cost_nothing_else(pipeline, full_graph):
    limit = full_graph.settings.extraction.max_text_chars
    inputs = [AD, math.nan, None, "   ", 7, "x" * (limit + 1), "Manage a team of nurses."]
    results = pipeline.extract(inputs)
    assert [r.index for r in results] == list(range(len(inputs)))
    errors = [r.error for r in results]
    assert errors[0] is None and errors[-1] is None
    assert errors[1] == "text must be a string, got float"
    assert errors[2] == "text must be a string, got NoneType"
    assert errors[3] == "text is empty"
    assert errors[4] == "text must be a string, got int"
    assert errors[5].startswith("text too long")
    assert all(not r.skills for r in results[1:6])
    assert results[0].skills == pipeline.extract(AD).skills
    assert results[-1].skills == pipeline.extract(inputs[-1]).skills
    assert "error" in results[1].to_dict() and "error" not in results[0].to_dict()


def test_many_texts_are_read_in_batches_and_come_back_in_order(pipeline, monkeypatch):
    texts = [f"You know {tool}." for tool in ("Python", "SQL", "Excel", "Java", "Docker")]
    alone = [pipeline.extract(text).skills for text in texts]
    monkeypatch.setattr(library_module, "BATCH_SIZE", 2)
    mixed = pipeline.extract([texts[0], "", *texts[1:3], None, *texts[3:]])
    usable = [r for r in mixed if r.ok]
    assert [r.index for r in mixed] == list(range(7))
    assert [r.skills for r in usable] == alone


def test_rank_and_spans_answer_as_the_extractor_does(pipeline, full_graph):
    ranked = pipeline.rank(AD, top_k=3)
    assert ranked.skills == tuple(full_graph.extractor.extract(AD, Ranking(3)))
    probabilities = [skill.probability for skill in ranked.skills]  # the re-ranker's
    assert None not in probabilities and probabilities == sorted(probabilities, reverse=True)
    spans = pipeline.spans([AD, ""])
    assert spans[0].spans == tuple(full_graph.extractor.tag_spans([AD])[0])
    assert spans[0].spans and spans[1].error == "text is empty"
    for span in spans[0].spans:
        assert AD[span.start : span.end] == span.text


def test_lookups(pipeline):
    [hit] = pipeline.search("python", limit=1)
    assert hit.concept.preferred_label == "Python (computer programming)"
    assert pipeline.skill(hit.concept.uri) == hit.concept
    assert pipeline.skill(hit.concept.uri.rsplit("/", 1)[1]) == hit.concept


def test_occupations_from_a_title_and_the_ads_skills_against_them(pipeline, full_graph):
    (best, *_) = pipeline.match_occupations("Sr. Software Developer (m/f/d)", AD, top_k=3)
    assert best.label == "software developer"
    assert (
        best
        == full_graph.occupations.match(
            "Sr. Software Developer (m/f/d)",
            [m.uri for m in full_graph.extractor.extract(AD)],
            top_k=3,
        )[0]
    )
    assert pipeline.match_occupations("Apply now!") == []
    skills = [m.uri for m in pipeline.extract(AD).skills]
    context = pipeline.occupation_context(best.uri, skills)
    assert [s.uri for s in context.skills] == list(dict.fromkeys(skills))


def test_load_takes_a_profile_and_settings_as_keywords(full_graph):
    sg = skillgraph.load(extraction__max_skills=1, progress=False)
    assert sg.graph.settings.profile == "fast"
    assert sg.graph.settings.extraction.max_skills == 1
    result = sg.extract(AD)
    assert len(result.skills) == 1
    assert result.skills[0] == full_graph.extractor.extract(AD)[0]
    with pytest.raises(ConfigError, match="profile"):
        skillgraph.load("nonsense")


def test_the_progress_bar_counts_what_is_encoded(capsys):
    update = library_module._progress_bar()
    for done in (10, 60, 100):
        update(done, 100)
    err = capsys.readouterr().err
    assert "encoding ESCO (first use)" in err and "100/100" in err


def test_to_rdflib_is_the_graph_the_export_writes(pipeline, tmp_path):
    """The same posting through `skillgraph extract` and `export postings` (real commands),
    and through the library: the same named graph."""
    import csv
    import subprocess
    import sys
    from pathlib import Path

    from rdflib import Dataset, URIRef
    from rdflib.compare import isomorphic

    with (tmp_path / "ads.csv").open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([["id", "text"], ["ad-1", AD]])
    command = str(Path(sys.executable).with_name("skillgraph"))
    for args in (
        ["extract", str(tmp_path / "ads.csv"), "-o", str(tmp_path / "ads.jsonl")],
        ["export", "postings", str(tmp_path / "ads.jsonl"), "-o", str(tmp_path / "ads.nq")],
    ):
        subprocess.run([command, *args], check=True, capture_output=True)
    exported = Dataset()
    exported.parse(tmp_path / "ads.nq", format="nquads")

    graph = pipeline.extract(AD).to_rdflib("ad-1")
    assert isinstance(graph.identifier, URIRef) and graph.identifier.endswith("/graph/ad-1")
    assert len(graph) > 10
    assert isomorphic(graph, exported.graph(graph.identifier))
