from tests.conftest import FIXTURES
from training.esco_pairs import esco_pairs
from training.pairs import (
    TrainingPair,
    benchmark_sentences,
    prepare_pairs,
    read_pairs,
    source_counts,
    write_pairs,
)
from training.skillskape import read_skillskape, skillskape_pairs

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def test_prepare_pairs_dedupes_filters_leaks_and_caps():
    pairs = [TrainingPair(f"text {i}", "s1", "x") for i in range(10)]
    pairs += [TrainingPair("Text  0", "s1", "y"), TrainingPair("leaked sentence .", "s2", "x")]
    prepared = prepare_pairs(pairs, exclude_texts={"leaked sentence ."}, max_per_skill=4)
    assert len(prepared) == 4
    assert {p.skill_uri for p in prepared} == {"s1"}
    assert len({p.text.casefold() for p in prepared}) == 4
    assert prepare_pairs(pairs, seed=1) != prepare_pairs(pairs, seed=2)  # seeded order
    assert prepare_pairs(pairs, seed=1) == prepare_pairs(pairs, seed=1)


def test_sources_can_be_capped():
    pairs = [TrainingPair(f"a{i}", f"s{i}", "esco-alt") for i in range(10)]
    pairs += [TrainingPair(f"b{i}", f"s{i}", "skillskape") for i in range(10)]
    prepared = prepare_pairs(pairs, max_per_source={"esco-alt": 3})
    assert source_counts(prepared) == {"esco-alt": 3, "skillskape": 10}


def test_benchmark_sentences_are_normalised():
    sentences = benchmark_sentences(FIXTURES / "bench")
    assert "strong python skills are a must ." in sentences


def test_esco_pairs_cover_alt_labels_and_descriptions(small_taxonomy):
    pairs = list(esco_pairs(small_taxonomy, ("alt", "description")))
    texts = {(p.text, p.source) for p in pairs if p.skill_uri == PYTHON}
    assert ("Python", "esco-alt") in texts
    assert any(source == "esco-description" for _, source in texts)
    assert not any(p.source == "esco-preferred" for p in pairs)


def test_skillskape_labels_map_to_uris(small_taxonomy):
    path = FIXTURES / "train" / "skillskape_small.csv"
    records = list(read_skillskape(path, small_taxonomy))
    # The UNK-only row is dropped: neither a positive nor a "no skill" example.
    assert [len(r.skill_uris) for r in records] == [2, 2, 0, 1]
    assert records[3].unmapped == ("write COBOL poetry",)
    pairs = list(skillskape_pairs(path, small_taxonomy))
    assert len(pairs) == 5 and all(p.source == "skillskape" for p in pairs)


def test_pairs_round_trip_through_jsonl(tmp_path):
    pairs = [TrainingPair('quote " and\nnewline', "s", "x"), TrainingPair("é", "t", "y")]
    assert write_pairs(pairs, tmp_path / "p.jsonl") == 2
    assert read_pairs(tmp_path / "p.jsonl") == pairs
    assert source_counts(pairs) == {"x": 1, "y": 1}
