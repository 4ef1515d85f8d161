"""The one-pass reader on the shipped encoder and span head: vectors, spans, part vectors."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from skillgraph import Settings, SkillGraph
from skillgraph.config import ConfigError, EncoderSettings
from skillgraph.encoders import file_digest, load_encoder
from skillgraph.runtime import load_span_reader
from skillgraph.spans import (
    DEFAULT_SPAN_MODEL,
    SpanModelError,
    load_span_model,
    shipped_span_models,
    span_model_dir,
)
from skillgraph.spans.datastore import DATASTORE_MANIFEST

TEXTS = [
    "You have solid experience with Python programming.",
    "Strong communication skills and the ability to work in a team.",
    "We are located in the heart of the city centre.",
    "Knowledge of SQL databases and Linux administration is a plus.",
]


@pytest.fixture(scope="module", params=["fp32", "int8"])
def reader(request, model_data_dir):
    settings = Settings(data_dir=model_data_dir).replace({"spans.precision": request.param})
    return load_span_reader(settings)


@pytest.fixture(scope="module")
def encoder(model_data_dir):
    return load_encoder(EncoderSettings(), model_data_dir)


def test_the_default_head_is_shipped_small_and_intact():
    assert DEFAULT_SPAN_MODEL in shipped_span_models()
    head = load_span_model(DEFAULT_SPAN_MODEL)
    assert head.manifest["files"][head.head_file.name] == file_digest(head.head_file)
    assert head.encoder == EncoderSettings().model
    files = list(span_model_dir(DEFAULT_SPAN_MODEL).iterdir())
    store = [p for p in files if p.name.startswith("datastore.")]
    assert sum(p.stat().st_size for p in files if p not in store) < 10_000_000
    assert len(store) == 2 and sum(p.stat().st_size for p in store) < 20_000_000
    manifest = json.loads((head.directory / DATASTORE_MANIFEST).read_text())
    assert manifest["head_digest"] == head.digest


def test_a_neighbours_weight_mixes_in_the_heads_datastore_where_the_head_is_unsure(model_data_dir):
    settings = Settings(data_dir=model_data_dir)
    plain = load_span_reader(settings)  # weight 0 by default: the head alone
    assert plain.datastore is None and "+knn" not in plain.fingerprint
    reader = load_span_reader(settings.replace({"spans.neighbours_weight": 0.4}))
    assert reader.datastore is not None and "+knn:" in reader.fingerprint
    assert reader.datastore.size > 300_000
    # Tagged by the stored words alone, skills are still found where they are.
    alone = load_span_reader(
        settings.replace({"spans.neighbours_weight": 1.0, "spans.neighbours_below": 1.0})
    )
    python, _, none, sql = alone.read(TEXTS)
    assert any("Python" in s.text for s in python.spans)
    assert any("SQL" in s.text for s in sql.spans) and not none.spans
    # A stand-alone tagger that replaces the head's probabilities leaves no use for the head's
    # datastore (its keys are the head's states); one mixed with the head's keeps it.
    tagged = settings.replace(
        {"spans.tagger": "skillgraph-minilm-spans-2", "spans.neighbours_weight": 0.4}
    )
    assert load_span_reader(tagged).datastore is None
    assert load_span_reader(tagged.replace({"spans.tagger_weight": 0.5})).datastore is not None


def test_a_head_without_a_datastore_reads_alone_and_says_so(model_data_dir, tmp_path, caplog):
    head = tmp_path / "head"
    shutil.copytree(span_model_dir(DEFAULT_SPAN_MODEL), head)
    for name in ("datastore.faiss", "datastore.json"):
        (head / name).unlink()
    settings = Settings(data_dir=model_data_dir)
    reader = load_span_reader(
        settings.replace({"spans.model": str(head), "spans.neighbours_weight": 0.4})
    )
    assert reader.datastore is None and "+knn" not in reader.fingerprint
    assert "has no datastore" in caplog.text and "build-span-datastore" in caplog.text


def test_a_datastore_built_for_other_head_weights_is_refused(model_data_dir, tmp_path):
    head = tmp_path / "head"
    shutil.copytree(span_model_dir(DEFAULT_SPAN_MODEL), head)
    manifest = json.loads((head / DATASTORE_MANIFEST).read_text())
    (head / DATASTORE_MANIFEST).write_text(json.dumps({**manifest, "head_digest": "0" * 64}))
    settings = Settings(data_dir=model_data_dir).replace(
        {"spans.model": str(head), "spans.neighbours_weight": 0.4}
    )
    with pytest.raises(SpanModelError, match="other head weights"):
        load_span_reader(settings)
    assert load_span_reader(settings.replace({"spans.neighbours_weight": 0.0})).datastore is None


def test_a_link_in_a_sentence_costs_none_of_its_spans(reader):
    # The head never saw a link: read as written, this sentence lost "Python" (2026-12-07).
    link = "https://jobs.example.com/apply?id=123"
    plain = "Apply at if you know Python and SQL."
    linked = plain.replace("at ", f"at {link} ")
    with_link, without = reader.read([linked, plain])
    assert [s.text for s in with_link.spans] == [s.text for s in without.spans] == ["Python", "SQL"]
    shift = len(link) + 1
    assert [(s.start - shift, s.end - shift) for s in with_link.spans] == [
        (s.start, s.end) for s in without.spans
    ]
    assert "/blank-links" in reader.fingerprint  # readings cached before are not reused


def test_the_sentence_vector_is_the_encoders_own(reader, encoder):
    vectors = np.stack([r.vector for r in reader.read(TEXTS)])
    cosines = np.sum(vectors * encoder.encode(TEXTS), axis=1)
    floor = 0.9999 if reader.name.startswith("onnx-fp32") else 0.99
    assert cosines.min() > floor, cosines


def test_explicit_skills_are_marked_with_exact_offsets(reader):
    python, soft, none, _ = reader.read(TEXTS)
    assert [s.text for s in python.spans] == ["Python programming"]
    assert any("communication" in s.text for s in soft.spans)
    assert none.spans == () and none.peak < 0.5
    for text, reading in zip(TEXTS[:2], (python, soft), strict=True):
        for span in reading.spans:
            assert text[span.start : span.end] == span.text
            assert 0.5 < span.confidence <= 1.0


def test_a_spans_pooled_vector_stands_in_for_its_own_encoding(reader, encoder):
    readings = reader.read(TEXTS)
    # Spans with a content word: a stray one-word span such as "to" has no meaning alone.
    spans = [(r, j) for r in readings for j, s in enumerate(r.spans) if len(s.text) > 3]
    own = encoder.encode([r.spans[j].text for r, j in spans])
    pooled = np.stack([r.span_vectors[j] for r, j in spans])
    sentence = np.stack([r.vector for r, _ in spans])
    np.testing.assert_allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-5)
    # Closer to the span read alone than the whole sentence is.
    assert np.all(np.sum(pooled * own, axis=1) > np.sum(sentence * own, axis=1))


def test_a_span_past_the_truncation_is_not_found(reader):
    long = "Python " * 200 + "and finally Kubernetes."
    (reading,) = reader.read([long])
    # 128 sub-words are read: [CLS], 126 words "python", [SEP].
    assert all(span.end <= 7 * 126 for span in reading.spans)
    assert not any("Kubernetes" in span.text for span in reading.spans)
    np.testing.assert_allclose(np.linalg.norm(reading.span_vectors, axis=1), 1.0, atol=1e-5)


# Lengths 5 to 40 sub-words: batches of these pad to many different lengths.
VARIED = [
    *TEXTS,
    "Java.",
    "Experience with Docker, Kubernetes, Terraform and AWS or GCP cloud infrastructure.",
    "You will design, build and maintain data pipelines in Spark and Airflow, review code, "
    "mentor junior engineers and work closely with product managers on the roadmap.",
    "Fluent English; German is a plus.",
]


def test_a_sentence_reads_exactly_the_same_alone_and_in_any_batch(reader):
    """Bit for bit: the sentence cache and extract --workers rely on it."""
    together = reader.read(VARIED)
    shuffled = reader.read(VARIED[::-1])[::-1]
    for text, batched, other in zip(VARIED, together, shuffled, strict=True):
        (alone,) = reader.read([text])
        for reading in (batched, other):
            assert reading.spans == alone.spans
            assert reading.peak == alone.peak
            assert np.array_equal(reading.vector, alone.vector)
            assert np.array_equal(reading.span_vectors, alone.span_vectors)


def _row(output: np.ndarray, row: int, tokens: int) -> np.ndarray:
    """One row of a session output: a vector, or its real tokens' values."""
    return output[row] if output.ndim == 2 else output[row, :tokens]


def test_the_raw_outputs_do_not_depend_on_the_batch(reader):
    """Every output (vector, BIO probabilities, span states), alone, in pairs and all together."""
    encodings = reader.tokenizer.encode_batch(VARIED)
    assert {len(e.ids) % 8 for e in encodings} == {0}  # padded to a multiple of 8 tokens
    together = reader.model.run(None, encodings)
    for row, encoding in enumerate(encodings):
        tokens = sum(encoding.attention_mask)
        alone = reader.model.run(None, [encoding])
        pair = reader.model.run(None, [encoding, encodings[(row + 3) % len(encodings)]])
        for whole, single, two in zip(together, alone, pair, strict=True):
            assert len(single) == 1 and len(two) == 2
            expected = _row(whole, row, tokens)
            assert np.array_equal(_row(single, 0, tokens), expected)
            assert np.array_equal(_row(two, 0, tokens), expected)


def test_an_unknown_span_model_is_a_clear_error(model_data_dir):
    settings = Settings(data_dir=model_data_dir).replace({"spans.model": "no-such-model"})
    with pytest.raises(SpanModelError, match="unknown span model"):
        load_span_reader(settings)


def test_the_decoding_is_a_setting_and_part_of_the_fingerprint(model_data_dir):
    settings = Settings(data_dir=model_data_dir)
    viterbi = load_span_reader(settings)
    argmax = load_span_reader(settings.replace({"spans.decoding": "argmax"}))
    assert viterbi.fingerprint != argmax.fingerprint  # cached spans never cross decodings
    sentence = "You will plan and manage large teams of engineers."
    spans = {r.decoding: r.read([sentence])[0].spans for r in (viterbi, argmax)}
    assert spans["viterbi"] and spans["argmax"]
    with pytest.raises(ConfigError, match=r"'spans\.decoding' must be one of viterbi, argmax"):
        settings.replace({"spans.decoding": "greedy"})  # refused with the settings
    # Settings built without loading them still meet the reader's own check.
    greedy = dataclasses.replace(settings.spans, decoding="greedy")  # type: ignore[arg-type]
    with pytest.raises(SpanModelError, match="unknown span decoding 'greedy'"):
        load_span_reader(dataclasses.replace(settings, spans=greedy))


def test_a_head_for_another_encoder_is_refused(model_data_dir, small_taxonomy):
    settings = Settings(data_dir=model_data_dir).replace({"encoder.model": "all-MiniLM-L6-v2"})
    with pytest.raises(SpanModelError, match="reads the hidden states of skillgraph-minilm-esco"):
        load_span_reader(settings)
    # Named explicitly (here: by its directory), it is an error to load; the default span
    # model with another encoder only falls back to the cosine threshold.
    explicit = settings.replace({"spans.model": str(span_model_dir(DEFAULT_SPAN_MODEL))})
    with pytest.raises(SpanModelError, match="reads the hidden states"):
        SkillGraph.load(explicit.replace({"memory.enabled": False}), taxonomy=small_taxonomy)
    graph = SkillGraph.load(settings.replace({"memory.enabled": False}), taxonomy=small_taxonomy)
    assert graph.spans is None


def test_a_head_whose_trunk_weights_changed_is_refused(model_data_dir, tmp_path):
    head_dir = tmp_path / "head"
    head_dir.mkdir()
    shipped = span_model_dir(DEFAULT_SPAN_MODEL)
    for file in shipped.iterdir():
        (head_dir / file.name).write_bytes(file.read_bytes())
    manifest = json.loads((head_dir / "manifest.json").read_text())
    manifest["encoder_fingerprint"] = "0" * 16
    (head_dir / "manifest.json").write_text(json.dumps(manifest))
    settings = Settings(data_dir=model_data_dir).replace({"spans.model": str(head_dir)})
    with pytest.raises(SpanModelError, match="was trained on skillgraph-minilm-esco with weights"):
        load_span_reader(settings)
