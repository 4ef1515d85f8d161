"""The embedded defaults on the real ESCO snapshot (index built by make install)."""

from skillgraph import Ranking

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
POSTGRES = "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"


def test_real_snapshot_ranks_python_and_postgresql_in_top_five(full_graph):
    assert full_graph.taxonomy.release.version == "v1.2.0"
    assert len(full_graph.taxonomy.skills) > 13_000
    matches = full_graph.extractor.extract(
        "We are looking for a backend developer with experience in Python and PostgreSQL.",
        Ranking(5),
    )
    assert {PYTHON, POSTGRES} <= {m.uri for m in matches}


def test_real_job_ad_yields_trade_skills(full_graph):
    ad = (
        "Plumber (m/f/d)\n"
        "Your tasks:\n"
        "- Install pipework and sanitary equipment in new buildings\n"
        "- Repair leaks and maintain heating systems\n"
        "We offer a permanent contract."
    )
    matches = full_graph.extractor.extract(ad, Ranking(10))
    labels = " ".join(m.label.lower() for m in matches)
    assert "pip" in labels or "plumb" in labels
    assert "heating" in labels
    assert all(ad[m.start : m.end] == m.sentence for m in matches)
