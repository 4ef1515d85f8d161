"""The example memory's neighbour search: exact, cut at ``min_similarity``, and the same bytes for
a query whatever else is searched with it (fast: random unit vectors, no encoder)."""

from __future__ import annotations

import numpy as np
import pytest

from skillgraph.memory import StoredExample
from skillgraph.memory.neighbours import NeighbourIndex


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def stored() -> tuple[NeighbourIndex, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    vectors = unit(rng.standard_normal((3000, 64)))
    # Queries near stored rows, so that each has several neighbours above the floor.
    queries = unit(vectors[rng.integers(0, 3000, 60)] + 0.6 * rng.standard_normal((60, 64)))
    ids = np.arange(100, 3100)
    examples = {int(i): StoredExample(int(i), f"example {i}", (), (), "test", 0.0) for i in ids}
    return NeighbourIndex(ids, vectors, examples), vectors, queries


def as_pairs(found):
    return [[(n.example.id, n.similarity) for n in query] for query in found]


def test_neighbours_are_the_exact_best_above_the_floor(stored):
    index, vectors, queries = stored
    found = as_pairs(index.search(queries, k=5, min_similarity=0.4))
    exact = queries.astype(np.float64) @ vectors.T.astype(np.float64)
    for scores, query in zip(exact, found, strict=True):
        best = [int(row) for row in np.argsort(-scores)[:5] if scores[row] >= 0.4]
        assert [example_id - 100 for example_id, _ in query] == best
        assert [s for _, s in query] == pytest.approx([scores[row] for row in best], abs=1e-6)
    assert sum(map(len, found)) > 60  # the floor left several per query, not none


def test_a_querys_neighbours_do_not_depend_on_the_other_queries(stored):
    index, _, queries = stored
    together = as_pairs(index.search(queries, k=5, min_similarity=0.4))
    for position in (0, 17, 59):
        alone = as_pairs(index.search(queries[position : position + 1], k=5, min_similarity=0.4))
        assert alone == [together[position]]  # float equality: the same bytes


def test_no_floor_keeps_k_and_an_empty_index_finds_nothing(stored):
    index, _, queries = stored
    assert [len(query) for query in index.search(queries[:3], k=7)] == [7, 7, 7]
    assert NeighbourIndex.empty().search(queries[:2], k=3) == [[], []]
