"""The span datastore: words stored with their labels, mixed into unsure probabilities."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from skillgraph.spans import SpanModelError
from skillgraph.spans.datastore import (
    DATASTORE_INDEX,
    DATASTORE_MANIFEST,
    NeighbourMix,
    SpanDatastore,
    build_datastore,
)
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE

UNSURE = np.array([[0.4, 0.35, 0.25]], np.float32)
SURE = np.array([[0.95, 0.03, 0.02]], np.float32)


def clustered(words_per_label: int, dimension: int, seed: int = 0):
    """Keys near one axis per label (O: axis 0, B: axis 1, I: axis 2), and their labels."""
    rng = np.random.default_rng(seed)
    keys, labels = [], []
    for label in (OUTSIDE, BEGIN, INSIDE):
        centre = np.zeros(dimension, np.float32)
        centre[label] = 1.0
        keys.append(centre + 0.05 * rng.standard_normal((words_per_label, dimension)))
        labels += [label] * words_per_label
    return np.concatenate(keys).astype(np.float32), np.array(labels)


def axis(label: int, dimension: int) -> np.ndarray:
    vector = np.zeros((1, dimension), np.float32)
    vector[0, label] = 1.0
    return vector


@pytest.fixture
def small(tmp_path):
    keys, labels = clustered(20, 8)
    build_datastore(keys, labels, tmp_path, {"head_digest": "abc"})
    return tmp_path


def test_a_word_takes_the_labels_of_its_nearest_stored_words(small):
    store = SpanDatastore.load(small, NeighbourMix(weight=1.0, neighbours=5, below=1.0))
    assert store.size == 60 and store.head_digest == "abc"
    np.testing.assert_allclose(store.neighbour_labels(axis(BEGIN, 8)), [[0, 1, 0]], atol=1e-6)
    np.testing.assert_allclose(store.mix(axis(INSIDE, 8), UNSURE), [[0, 0, 1]], atol=1e-6)


def test_asking_for_more_neighbours_than_stored_counts_only_those_found(small):
    store = SpanDatastore.load(small, NeighbourMix(weight=1.0, neighbours=100))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow from the missing neighbours' cosines
        found = store.neighbour_labels(axis(BEGIN, 8))
    np.testing.assert_allclose(found.sum(axis=1), 1.0, atol=1e-6)
    assert found[0].argmax() == BEGIN and found[0].min() > 0  # all 60 stored words weigh in


def test_the_weight_sets_the_neighbours_share(small):
    store = SpanDatastore.load(small, NeighbourMix(weight=0.4, neighbours=5))
    mixed = store.mix(axis(BEGIN, 8), UNSURE)
    np.testing.assert_allclose(mixed, 0.6 * UNSURE + 0.4 * np.array([[0, 1, 0]]), atol=1e-6)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-6)


def test_confident_words_and_a_zero_weight_leave_the_probabilities_alone(small):
    gated = SpanDatastore.load(small, NeighbourMix(weight=0.4, below=0.7))
    both = np.concatenate([SURE, UNSURE])
    mixed = gated.mix(np.concatenate([axis(BEGIN, 8)] * 2), both)
    np.testing.assert_array_equal(mixed[0], SURE[0])  # sure: never looked up
    assert mixed[1, BEGIN] > UNSURE[0, BEGIN]
    off = SpanDatastore.load(small, NeighbourMix(weight=0.0))
    np.testing.assert_array_equal(off.mix(axis(BEGIN, 8), UNSURE), UNSURE)


def test_a_large_datastore_is_stored_as_codes_and_still_finds_labels(tmp_path):
    keys, labels = clustered(7_000, 32)
    build_datastore(keys, labels, tmp_path, {"head_digest": "abc"}, code_bytes=8)
    manifest = json.loads((tmp_path / DATASTORE_MANIFEST).read_text())
    assert manifest["index"].startswith("IVF") and manifest["words"] == 21_000
    assert manifest["words_per_label"] == {"O": 7_000, "B": 7_000, "I": 7_000}
    store = SpanDatastore.load(tmp_path, NeighbourMix(weight=1.0, below=1.0))
    assert (tmp_path / DATASTORE_INDEX).stat().st_size < keys.nbytes / 4
    found = store.neighbour_labels(np.concatenate([axis(label, 32) for label in range(3)]))
    assert found.argmax(axis=1).tolist() == [OUTSIDE, BEGIN, INSIDE]


def test_a_changed_or_missing_index_is_refused(small):
    (small / DATASTORE_INDEX).write_bytes((small / DATASTORE_INDEX).read_bytes() + b"x")
    with pytest.raises(SpanModelError, match="rebuild it"):
        SpanDatastore.load(small, NeighbourMix())
    (small / DATASTORE_INDEX).unlink()
    with pytest.raises(SpanModelError, match="missing"):
        SpanDatastore.load(small, NeighbourMix())


def test_a_manifest_with_other_labels_is_refused(small):
    manifest = json.loads((small / DATASTORE_MANIFEST).read_text())
    (small / DATASTORE_MANIFEST).write_text(json.dumps({**manifest, "labels": ["O", "I"]}))
    with pytest.raises(SpanModelError, match="does not store labels"):
        SpanDatastore.load(small, NeighbourMix())


def test_keys_that_do_not_split_into_the_codes_are_refused(tmp_path):
    keys, labels = clustered(7_000, 30)
    with pytest.raises(SpanModelError, match="do not split into 8 PQ codes"):
        build_datastore(keys, labels, tmp_path, {}, code_bytes=8)


def test_nothing_to_store_is_refused(tmp_path):
    with pytest.raises(SpanModelError, match="nothing to store"):
        build_datastore(np.zeros((3, 4)), np.zeros(2), tmp_path, {})


@pytest.mark.parametrize(
    "settings",
    [
        {"weight": 1.5},
        {"neighbours": 0},
        {"neighbours": 5000},
        {"temperature": 0.0},
        {"below": 1 / 3},  # a best label is never below a third: the mix would never run
        {"probes": 0},
    ],
)
def test_mix_settings_out_of_range_are_refused(settings):
    with pytest.raises(SpanModelError):
        NeighbourMix(**settings)
