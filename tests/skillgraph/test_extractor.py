import pytest

from skillgraph import InputError, Ranking, SkillGraph, TextTooLongError, Threshold

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
POSTGRES = "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"
MANAGE_STAFF = "http://data.europa.eu/esco/skill/339ac029-066a-4985-9f9d-b3d7c8fea0bb"

AD = (
    "Backend developer wanted.\n"
    "• Experience with Python and PostgreSQL is required.\n"
    "• You will manage a small team of staff.\n"
    "• Python scripting for automation is a plus."
)


@pytest.fixture(scope="module")
def extractor(small_graph):
    return small_graph.extractor


def test_python_and_postgresql_rank_in_the_top_five(extractor):
    matches = extractor.extract("Experience with Python and PostgreSQL is required.", Ranking(5))
    assert {PYTHON, POSTGRES} <= {m.uri for m in matches}


def test_ranking_mode_returns_exactly_top_k_sorted(extractor):
    matches = extractor.extract(AD, Ranking(7))
    assert len(matches) == 7
    probabilities = [m.probability for m in matches]  # the re-ranker's order
    assert probabilities == sorted(probabilities, reverse=True)
    assert len({m.uri for m in matches}) == 7


def test_evidence_is_the_sentence_with_offsets(extractor):
    for match in extractor.extract(AD, Ranking(10)):
        assert AD[match.start : match.end] == match.sentence
    staff = next(m for m in extractor.extract(AD, Ranking(10)) if m.uri == MANAGE_STAFF)
    assert staff.sentence == "You will manage a small team of staff."
    assert staff.label == "manage staff"
    assert staff.skill_type == "skill/competence"


def test_duplicates_across_sentences_merge_to_the_best_sentence(extractor):
    matches = extractor.extract(AD, Ranking(10))
    python = [m for m in matches if m.uri == PYTHON]
    assert len(python) == 1
    per_sentence = {
        s: extractor.extract(s, Ranking(10))
        for s in (
            "Experience with Python and PostgreSQL is required.",
            "Python scripting for automation is a plus.",
        )
    }
    best = max(
        ((s, m.score) for s, ms in per_sentence.items() for m in ms if m.uri == PYTHON),
        key=lambda pair: pair[1],
    )
    assert python[0].sentence == best[0]
    assert python[0].score == pytest.approx(best[1], abs=1e-5)


def test_threshold_mode_keeps_only_scores_above(extractor):
    ranked = extractor.extract(AD, Ranking(20))
    threshold = ranked[3].score
    kept = extractor.extract(AD, Threshold(threshold, 20))
    assert [m.uri for m in kept] == [m.uri for m in ranked if m.score >= threshold]
    assert extractor.extract(AD, extractor.mode(min_score=0.999)) == []


def test_min_score_zero_gives_exactly_the_default_top_k(extractor):
    matches = extractor.extract(AD, extractor.mode(min_score=0.0))
    assert len(matches) == extractor.settings.top_k


def test_default_mode_accepts_calibrated_span_candidates(extractor):
    matches = extractor.extract(AD)
    assert PYTHON in {m.uri for m in matches}, "the ad names Python explicitly"
    assert all(m.probability >= extractor.spans.threshold for m in matches)
    assert all(AD[m.span_start : m.span_end] == m.span_text for m in matches)
    assert len(matches) <= extractor.settings.max_skills


def test_without_a_span_model_the_default_mode_is_the_cosine_threshold(small_graph):
    settings = small_graph.settings.replace({"spans.model": ""})
    graph = SkillGraph.assemble(
        settings, small_graph.taxonomy, small_graph.encoder, small_graph.index
    )
    extractor = graph.extractor
    assert extractor.spans is None
    matches = extractor.extract(AD)
    assert matches, "the ad names Python explicitly"
    assert all(m.score >= extractor.settings.min_score for m in matches)
    assert all(m.span_text is None for m in matches)  # no spans: whole sentences
    assert len(matches) <= extractor.settings.max_skills


def test_extract_many_equals_one_by_one(extractor):
    texts = [AD, "Install pipework and manage staff.", "SQL"]
    together = extractor.extract_many(texts, Ranking(5))
    alone = [extractor.extract(t, Ranking(5)) for t in texts]
    assert [[m.uri for m in r] for r in together] == [[m.uri for m in r] for r in alone]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", InputError, "text is empty"),
        ("  \n\t ", InputError, "text is empty"),
        (None, InputError, "must be a string"),
        ("You know \ud800 Python.", InputError, "unpaired surrogate at character 9"),
    ],
)
def test_unusable_texts_are_rejected(extractor, text, error, message):
    with pytest.raises(error, match=message):
        extractor.extract(text)


def test_overlong_text_is_rejected_with_the_limit(extractor):
    limit = extractor.settings.max_text_chars
    with pytest.raises(TextTooLongError, match=f"limit {limit}"):
        extractor.extract("a" * (limit + 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top_k": 0}, "top_k must be"),
        ({"top_k": 10_001}, "top_k must be"),
        ({"min_score": 1.5}, "min_score must be"),
    ],
)
def test_bad_parameters_are_rejected(extractor, kwargs, message):
    with pytest.raises(InputError, match=message):
        extractor.mode(**kwargs)


def test_text_without_words_has_no_skills(extractor):
    assert extractor.extract("• • • ---", Ranking(5)) == []


def test_rank_sentences_uses_sentences_as_given(extractor):
    (ranked,) = extractor.rank_sentences(["PostgreSQL. Python."], 3)
    assert len(ranked) == 3
    assert ranked[0].score >= ranked[1].score >= ranked[2].score
