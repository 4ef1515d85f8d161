import pytest

from skillgraph.config import EncoderSettings
from skillgraph.encoders import BASE_MODEL, load_encoder
from training.negatives import NegativeSampler

SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
QUERY_LANGUAGES = "http://data.europa.eu/esco/skill/9cf681c7-89ec-470c-b651-7fe03786f586"
POSTGRES = "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"
DATABASE = "http://data.europa.eu/esco/skill/43ae58b9-5e56-4524-b45a-b422777a0576"

GOLD = {
    "write SQL queries": frozenset({SQL}),
    "tune PostgreSQL": frozenset({POSTGRES}),
}


def test_siblings_share_the_level_three_group_and_never_the_gold(small_taxonomy):
    sampler = NegativeSampler("siblings", small_taxonomy, GOLD, count=3, seed=1)
    for _ in range(20):
        picks = sampler.negatives("write SQL queries")
        assert len(picks) == 3 and len(set(picks)) == 3
        assert SQL not in picks
        assert set(picks) <= set(small_taxonomy.siblings(SQL))


def test_in_batch_adds_nothing(small_taxonomy):
    sampler = NegativeSampler("in-batch", small_taxonomy, GOLD, count=3)
    assert sampler.negatives("tune PostgreSQL") == []


def test_hard_negatives_are_near_misses_of_the_current_model(small_taxonomy, model_data_dir):
    encoder = load_encoder(EncoderSettings(model=BASE_MODEL), model_data_dir)
    sampler = NegativeSampler("hard", small_taxonomy, GOLD, count=1, seed=0)
    assert sampler.needs_mining
    sampler.mine(encoder, list(GOLD), depth=5)
    seen = {n for _ in range(30) for n in sampler.negatives("tune PostgreSQL")}
    assert POSTGRES not in seen
    assert seen & {
        DATABASE,
        "http://data.europa.eu/esco/skill/ab1e97ed-2319-4293-a8b7-072d2648822f",
    }


def test_combined_alternates_hard_and_siblings(small_taxonomy, model_data_dir):
    encoder = load_encoder(EncoderSettings(model=BASE_MODEL), model_data_dir)
    sampler = NegativeSampler("combined", small_taxonomy, GOLD, count=2, seed=0)
    sampler.mine(encoder, list(GOLD), depth=5)
    picks = sampler.negatives("write SQL queries")
    assert len(picks) == 2 and SQL not in picks
    siblings = set(small_taxonomy.siblings(SQL))
    assert len(siblings.intersection(picks)) >= 1


def test_combined_with_one_negative_mixes_both_kinds(small_taxonomy, model_data_dir):
    encoder = load_encoder(EncoderSettings(model=BASE_MODEL), model_data_dir)
    sampler = NegativeSampler("combined", small_taxonomy, GOLD, count=1, seed=0)
    sampler.mine(encoder, list(GOLD), depth=5)
    siblings = set(small_taxonomy.siblings(SQL))
    picks = [sampler.negatives("write SQL queries")[0] for _ in range(20)]
    assert siblings.intersection(picks)  # sibling turns
    assert set(picks) - siblings  # hard turns: mined skills outside the group


def test_unknown_strategy(small_taxonomy):
    with pytest.raises(ValueError, match="unknown negative strategy 'random'"):
        NegativeSampler("random", small_taxonomy, GOLD)
