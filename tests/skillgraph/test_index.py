import numpy as np
import pytest

from skillgraph.config import EncoderSettings, IndexSettings
from skillgraph.encoders import Encoder, load_encoder
from skillgraph.index import IndexBuildError, IndexRows, TextKind, load_or_build_index
from skillgraph.index_kinds import index_kind

EXACT = IndexSettings(kind="exact")


class CountingEncoder(Encoder):
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.dimension, self.fingerprint = inner.name, inner.dimension, inner.fingerprint
        self.encoded = 0

    def _encode_batch(self, texts):
        self.encoded += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def encoder(model_data_dir) -> CountingEncoder:
    return CountingEncoder(load_encoder(EncoderSettings(), model_data_dir))


def test_rows_cover_labels_then_descriptions(small_taxonomy):
    rows = IndexRows.from_taxonomy(small_taxonomy)
    python = small_taxonomy.skill("ccd0a1d9-afda-43d9-b901-96344886e14d")
    position = rows.skill_uris.index(python.uri)
    texts = {rows.texts[i]: TextKind(rows.kind[i]) for i in np.flatnonzero(rows.skill == position)}
    assert texts["Python (computer programming)"] is TextKind.PREFERRED
    assert texts["Python"] is TextKind.ALT
    assert texts[python.description] is TextKind.DESCRIPTION
    assert np.all(rows.kind[: rows.label_rows] != TextKind.DESCRIPTION)
    assert np.all(rows.kind[rows.label_rows :] == TextKind.DESCRIPTION)
    # Blank labels (the skill with an unknown preferred label) never become rows.
    assert all(text.strip() for text in rows.texts)


def test_built_once_then_loaded_from_cache(tmp_path, small_taxonomy, encoder):
    before = encoder.encoded
    first = load_or_build_index(small_taxonomy, encoder, IndexSettings(), tmp_path)
    built = encoder.encoded - before
    assert built == len(first) == len(first.rows)
    second = load_or_build_index(small_taxonomy, encoder, IndexSettings(), tmp_path)
    assert encoder.encoded - before == built  # nothing re-encoded
    query = encoder.inner.encode(["PostgreSQL database administration"])
    np.testing.assert_array_equal(first.search(query, 5)[1], second.search(query, 5)[1])
    meta = (first.key.directory(tmp_path) / "meta.json").read_text()
    assert first.key.fingerprint in meta and first.key.esco in meta


def test_cache_key_follows_the_texts(tmp_path, small_taxonomy, encoder):
    key = load_or_build_index(small_taxonomy, encoder, IndexSettings(), tmp_path).key
    rows = IndexRows.from_taxonomy(small_taxonomy, descriptions=False)
    changed = (*rows.texts[:-1], "an edited label")
    edited = IndexRows(rows.skill_uris, rows.skill, rows.kind, changed, rows.label_rows)
    assert edited.digest() != key.rows == rows.digest()


def test_corrupt_vector_cache_is_rebuilt(tmp_path, small_taxonomy, encoder, caplog):
    index = load_or_build_index(small_taxonomy, encoder, IndexSettings(), tmp_path)
    (index.key.directory(tmp_path) / "vectors.npy").write_bytes(b"not numpy")
    rebuilt = load_or_build_index(small_taxonomy, encoder, IndexSettings(), tmp_path)
    assert len(rebuilt) == len(index)
    assert "rebuilding" in caplog.text


@pytest.mark.parametrize("kind", ["hnsw", "ivf", "fast"])
def test_approximate_kinds_agree_with_exact_on_the_best_hit(
    tmp_path, small_taxonomy, encoder, kind
):
    # A 119-row export trains product codes poorly: re-score a third of it exactly.
    settings = IndexSettings(
        kind=kind, ivf_lists=4, ivf_probe=4, pq_subquantizers=16, refine_factor=40
    )
    exact = load_or_build_index(small_taxonomy, encoder, EXACT, tmp_path, None, True)
    approximate = load_or_build_index(small_taxonomy, encoder, settings, tmp_path, None, True)
    assert approximate.kind == kind
    queries = encoder.inner.encode(["write SQL queries", "lead a team", "Java developer"])
    for labels_only in (False, True) if approximate.covers_descriptions else (True,):
        exact_scores, exact_rows = exact.search(queries, 1, labels_only=labels_only)
        scores, rows = approximate.search(queries, 1, labels_only=labels_only)
        np.testing.assert_array_equal(exact_rows, rows)
        np.testing.assert_allclose(exact_scores, scores, atol=1e-5)
    # The structure itself is cached next to the vectors.
    assert (exact.key.directory(tmp_path) / index_kind(kind).cache_file(settings)).is_file()


def test_fast_codes_find_the_exact_best_rows(small_taxonomy):
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((300, 64)).astype(np.float32)
    vectors = centres[rng.integers(0, 300, 12_000)] + 0.3 * rng.standard_normal((12_000, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    settings = IndexSettings(kind="fast", pq_subquantizers=16, refine_factor=4)
    fast = index_kind("fast").build(vectors, len(vectors), settings)
    index_kind("fast").tune(fast, settings)
    assert fast.ntotal == len(vectors) and "Refine" in type(fast).__name__
    queries = vectors[:200] + 0.05 * rng.standard_normal((200, 64)).astype(np.float32)
    _, exact = index_kind("exact").build(vectors, len(vectors), settings).search(queries, 10)
    _, found = fast.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact, strict=True)])
    assert recall > 0.95


def test_a_labels_only_kind_refuses_to_search_descriptions(tmp_path, small_taxonomy, encoder):
    settings = IndexSettings(kind="fast", pq_subquantizers=16)
    index = load_or_build_index(small_taxonomy, encoder, settings, tmp_path, None, True)
    with pytest.raises(IndexBuildError, match="holds label rows only"):
        index.search(encoder.inner.encode(["SQL"]), 3)


def test_descriptions_are_indexed_only_when_asked_for(tmp_path, small_taxonomy, encoder):
    labels = load_or_build_index(small_taxonomy, encoder, IndexSettings(), tmp_path)
    both = load_or_build_index(small_taxonomy, encoder, EXACT, tmp_path, None, True)
    assert len(labels) == labels.rows.label_rows == both.rows.label_rows < len(both)
    assert labels.key != both.key


def test_labels_only_search_never_returns_description_rows(tmp_path, small_taxonomy, encoder):
    index = load_or_build_index(small_taxonomy, encoder, EXACT, tmp_path, None, True)
    query = encoder.inner.encode(["The techniques and principles of software development"])
    _, rows = index.search(query, 20, labels_only=True)
    assert rows.max() < index.rows.label_rows
    _, rows = index.search(query, 20)
    assert rows.max() >= index.rows.label_rows  # that query is nearest to descriptions


def test_unknown_index_kind(tmp_path, small_taxonomy, encoder):
    with pytest.raises(IndexBuildError, match="unknown index kind 'annoy'"):
        load_or_build_index(small_taxonomy, encoder, IndexSettings(kind="annoy"), tmp_path)


def test_brute_force_scores_do_not_depend_on_the_other_queries_of_the_batch():
    import faiss  # skillgraph.index_kinds, imported above, sets its BLAS switch

    rng = np.random.default_rng(0)
    rows = rng.standard_normal((2000, 384)).astype(np.float32)
    queries = rng.standard_normal((40, 384)).astype(np.float32)
    index = faiss.IndexFlatIP(384)
    index.add(rows)
    alone, _ = index.search(queries[:1], 8)
    in_batch, _ = index.search(queries, 8)  # 40 queries: BLAS, were it allowed
    assert np.array_equal(alone[0], in_batch[0])
