"""A given skill's score as the index would give it: from the index's own vectors."""

from __future__ import annotations

import numpy as np

from skillgraph.memory.label_scores import SkillLabelScorer
from tests.skillgraph.memory.conftest import PYTHON, SQL


class _CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder) -> None:
        self.encoder, self.texts = encoder, 0

    def encode(self, texts):
        self.texts += len(texts)
        return self.encoder.encode(texts)


def test_scores_read_the_index_vectors_and_match_encoding_the_labels(small_graph):
    index, encoder = small_graph.index, small_graph.encoder
    assert index.vectors is not None and len(index.vectors) == len(index.rows)
    query = encoder.encode(["Writing Python and SQL every day."])[0]
    counting = _CountingEncoder(encoder)
    kept = SkillLabelScorer(index.rows, counting, 0.0, index.vectors)
    encoded = SkillLabelScorer(index.rows, encoder, 0.0)
    for uri in (PYTHON, SQL):
        from_index, from_encoder = kept.score(query, uri), encoded.score(query, uri)
        assert from_index is not None and from_encoder is not None
        assert from_index.row == from_encoder.row
        assert np.isclose(from_index.score, from_encoder.score, atol=1e-5)
    assert counting.texts == 0  # nothing encoded again
    assert kept.score(query, "http://data.europa.eu/esco/skill/not-in-the-export") is None


def test_the_memory_retriever_reads_the_index_vectors_of_its_own_encoder(small_memory_graph):
    retriever = small_memory_graph.extractor.retriever
    assert retriever.scorer.vectors is small_memory_graph.index.vectors
