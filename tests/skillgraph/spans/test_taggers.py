"""Stand-alone span taggers in the reader (``spans.tagger``, the accurate profile): the shipped
tagger on the shipped encoder, against the head's own spans."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from skillgraph import Settings
from skillgraph.encoders import onnx_model_dir
from skillgraph.encoders.packed import PACKED_FILE
from skillgraph.profiles import PROFILES
from skillgraph.reader.graph import TAG_STATES
from skillgraph.reader.reader import SentenceReader, _mixed
from skillgraph.runtime import load_span_reader
from skillgraph.spans import DEFAULT_SPAN_MODEL, SpanModelError, decode_spans, span_model_dir
from skillgraph.spans.labels import OUTSIDE
from skillgraph.spans.taggers import PROBABILITIES, open_tagger, shipped_taggers, tagger_dir

TAGGER = PROFILES["accurate"].settings["spans.tagger"]
TEXTS = [
    "You have solid experience with Python programming.",
    "Strong communication skills and the ability to work in a team.",
    "We are located in the heart of the city centre.",
]


@pytest.fixture(scope="module")
def readers(model_data_dir):
    settings = Settings(data_dir=model_data_dir)
    return load_span_reader(settings), load_span_reader(settings.replace({"spans.tagger": TAGGER}))


def test_the_accurate_profiles_tagger_is_shipped_with_its_calibration():
    assert TAGGER in shipped_taggers()
    assert (tagger_dir(TAGGER) / PACKED_FILE).is_file()
    calibration = PROFILES["accurate"].settings["spans.calibration"]
    assert (span_model_dir(DEFAULT_SPAN_MODEL) / calibration).is_file()
    with pytest.raises(SpanModelError, match="unknown span tagger"):
        tagger_dir("no-such-tagger")


def test_spans_come_from_the_tagger_and_vectors_from_the_encoders_pass(readers, model_data_dir):
    head, tagged = readers
    assert tagged.name == f"{head.name}+{TAGGER}"
    assert tagged.fingerprint != head.fingerprint
    by_head, by_tagger = head.read(TEXTS), tagged.read(TEXTS)
    for own, other in zip(by_head, by_tagger, strict=True):
        assert np.array_equal(own.vector, other.vector)
    assert [s.text for s in by_tagger[0].spans] == ["Python programming"]
    assert by_tagger[2].spans == ()
    # what the tagger's own probabilities decode to, sentence by sentence
    trunk = onnx_model_dir(Settings().encoder.model, model_data_dir)
    tagger = open_tagger(TAGGER, trunk, model_data_dir, "int8", 0)
    for text, reading in zip(TEXTS, by_tagger, strict=True):
        encoding = tagged.tokenizer.encode_batch([text])
        (probabilities,) = tagger.run((PROBABILITIES,), encoding)
        n = sum(encoding[0].attention_mask)
        expected = decode_spans(
            text, probabilities[0, :n], encoding[0].offsets[:n], encoding[0].word_ids[:n]
        )
        assert [(s.start, s.end) for s in reading.spans] == [(s.start, s.end) for s in expected]


@pytest.mark.parametrize("neighbours_weight", [0.0, 0.4], ids=["profile", "with-datastore"])
def test_the_accurate_profile_mixes_the_tagger_with_the_heads_probabilities(
    model_data_dir, neighbours_weight
):
    weight = PROFILES["accurate"].settings["spans.tagger_weight"]
    assert 0.0 < weight < 1.0
    settings = Settings(data_dir=model_data_dir).replace(
        {"spans.tagger": TAGGER, "spans.neighbours_weight": neighbours_weight}
    )
    mixed = load_span_reader(settings.replace({"spans.tagger_weight": weight}))
    alone = load_span_reader(settings)  # tagger_weight 1: the tagger's probabilities alone
    assert (mixed.datastore is not None) == (neighbours_weight > 0) and alone.datastore is None
    assert f"+{TAGGER}@{weight:g}" in mixed.name and mixed.fingerprint != alone.fingerprint
    # The mix, decoded, is what the reader gives: the head's share read with its datastore
    # where it has one.
    trunk = onnx_model_dir(Settings().encoder.model, model_data_dir)
    tagger = open_tagger(TAGGER, trunk, model_data_dir, "int8", 0)
    for text in TEXTS:  # one sentence per batch, as the reference reads it
        (reading,) = mixed.read([text])
        encoding = mixed.tokenizer.encode_batch([text])
        probabilities, tag_states = mixed.model.run((PROBABILITIES, TAG_STATES), encoding)
        own = probabilities
        if mixed.datastore is not None:
            own = _mixed(mixed.datastore, probabilities, tag_states, encoding)
        (tagged,) = tagger.run((PROBABILITIES,), encoding)
        n = sum(encoding[0].attention_mask)
        both = (weight * tagged + (1 - weight) * own)[0, :n]
        expected = decode_spans(text, both, encoding[0].offsets[:n], encoding[0].word_ids[:n])
        assert [(s.start, s.end) for s in reading.spans] == [(s.start, s.end) for s in expected]
        real = [t for t, w in enumerate(encoding[0].word_ids[:n]) if w is not None]
        assert reading.peak == pytest.approx(1.0 - both[real, OUTSIDE].min(), abs=1e-6)
    assert [s.text for s in mixed.read(TEXTS[:1])[0].spans] == ["Python programming"]
    with pytest.raises(SpanModelError, match="tagger_weight"):
        SentenceReader(model_data_dir, tagger=tagger, tagger_weight=1.5)


def test_a_tagger_reading_other_sub_words_is_refused(tmp_path, model_data_dir):
    copy = tmp_path / "other"
    shutil.copytree(tagger_dir(TAGGER), copy)
    tokenizer = json.loads((copy / "tokenizer.json").read_text())
    tokenizer["model"]["vocab"]["skillgraph-new-piece"] = 10**6
    (copy / "tokenizer.json").write_text(json.dumps(tokenizer))
    trunk = onnx_model_dir(Settings().encoder.model, model_data_dir)
    with pytest.raises(SpanModelError, match="other sub-words"):
        open_tagger(str(copy), trunk, tmp_path, "int8", 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(labels=["O", "I", "B"]), "tags"),
        (lambda m: m.pop("files"), "digest"),
    ],
)
def test_a_tagger_with_a_broken_manifest_is_refused(tmp_path, model_data_dir, change, message):
    copy = tmp_path / "broken"
    shutil.copytree(tagger_dir(TAGGER), copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    change(manifest)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    trunk = onnx_model_dir(Settings().encoder.model, model_data_dir)
    with pytest.raises(SpanModelError, match=message):
        open_tagger(str(copy), trunk, tmp_path, "int8", 0)


def test_a_tagger_whose_tokenizer_is_unreadable_is_refused(tmp_path, model_data_dir):
    copy = tmp_path / "broken"
    shutil.copytree(tagger_dir(TAGGER), copy)
    (copy / "tokenizer.json").write_text("{not json")
    trunk = onnx_model_dir(Settings().encoder.model, model_data_dir)
    with pytest.raises(SpanModelError, match="cannot be read"):
        open_tagger(str(copy), trunk, tmp_path, "int8", 0)
