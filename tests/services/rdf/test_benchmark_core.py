"""The knowledge-graph benchmark's core, on a few postings (the benchmark itself is not a test)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.rdf import (
    SKILLS_PER_POSTING,
    measure_export,
    measure_push,
    synthetic_results,
    write_results,
)
from ontology import EscoTaxonomy
from services.rdf import EXPORT_FORMATS, EmbeddedStore


def test_synthetic_postings_export_and_push(tmp_path: Path, small_taxonomy: EscoTaxonomy) -> None:
    rows = list(synthetic_results(small_taxonomy, 6))
    assert len(rows) == 6
    for row in rows:
        uris = [skill["uri"] for skill in row["skills"]]
        assert len(set(uris)) == SKILLS_PER_POSTING
        assert set(uris) <= set(small_taxonomy.skills)
        assert row["occupation"] in small_taxonomy.occupations
    assert rows == list(synthetic_results(small_taxonomy, 6))  # seeded: the same every run

    source = write_results(tmp_path / "results.jsonl", small_taxonomy, 6)
    exported = measure_export(source, small_taxonomy, tmp_path)
    assert [row[0] for row in exported] == list(EXPORT_FORMATS)
    triples = {row[1] for row in exported}
    assert len(triples) == 1  # every format wrote every triple
    with EmbeddedStore(tmp_path / "store") as store:
        pushed, _ = measure_push(source, small_taxonomy, store, 4)
        assert f"{pushed:,}" in triples
        assert store.quad_count() == pushed
