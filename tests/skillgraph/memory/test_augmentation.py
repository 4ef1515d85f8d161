"""Retrieval augmentation: the interpolation, identity without examples, teaching a missed skill."""

from __future__ import annotations

import json

import pytest

from skillgraph import Ranking, Threshold
from skillgraph.memory import LabelledExample, Neighbour, StoredExample, memory_score
from skillgraph.memory.augmentation import skill_support
from tests.skillgraph.memory.conftest import DIGITAL_CONTENT, PYTHON, SQL, P

AD = (
    "Backend developer wanted.\n"
    "• Experience with Python and PostgreSQL is required.\n"
    "• You will manage a small team of staff.\n"
    "• Python scripting for automation is a plus."
)
SANITATION = P + "0c944316-12f6-4949-a156-a03dbaae790f"  # "ensure sanitation"
EXAMPLE = "Keep the kitchen clean and sanitary at all times."
PARAPHRASE = "You will be responsible for keeping our kitchens spotless and hygienic."


def neighbour(example_id, similarity, skills=(), negatives=()):
    example = StoredExample(example_id, f"text {example_id}", skills, negatives, "t", 0.0)
    return Neighbour(example, similarity)


def test_votes_are_softmax_weights_of_the_neighbours():
    support = skill_support(
        [neighbour(1, 0.9, (PYTHON,)), neighbour(2, 0.8, (PYTHON, SQL), (DIGITAL_CONTENT,))],
        temperature=0.1,
    )
    assert support[PYTHON].positive == pytest.approx(1.0)
    assert support[PYTHON].positive_similarity == pytest.approx(0.9)
    assert support[SQL].positive == pytest.approx(1 / (1 + 2.718281828))  # e^(-0.1/0.1)
    assert support[DIGITAL_CONTENT].negative == pytest.approx(support[SQL].positive)
    assert [n.example.id for n in support[PYTHON].supporters] == [1, 2]


def test_votes_raise_towards_the_supporter_lower_for_negatives_and_never_lower_positively():
    (votes,) = skill_support([neighbour(1, 0.8, (PYTHON,))], temperature=0.1).values()
    assert memory_score(0.4, votes, weight=0.5) == pytest.approx(0.6)
    assert memory_score(0.4, votes, weight=1.0) == pytest.approx(0.8)
    assert memory_score(0.9, votes, weight=1.0) == 0.9  # the label already matches better
    (against,) = skill_support([neighbour(1, 0.8, (), (PYTHON,))], temperature=0.1).values()
    assert memory_score(0.7, against, weight=0.5) == pytest.approx(0.3)


def dump(matches):
    return json.dumps([[m.to_dict() for m in ms] for ms in matches])


def test_an_empty_memory_or_a_far_example_changes_nothing(small_graph, small_memory_graph):
    plain = small_graph.extractor  # memory on but never written: no file, no examples
    augmented = small_memory_graph.extractor
    modes = [None, Ranking(7), Threshold(0.3, 10), Threshold(0.0, 3)]
    expected = [dump([plain.extract(AD, mode)]) for mode in modes]
    assert [dump([augmented.extract(AD, mode)]) for mode in modes] == expected
    small_memory_graph.memory.add(
        [LabelledExample("The office has a dog and free coffee.", (DIGITAL_CONTENT,))]
    )
    assert [dump([augmented.extract(AD, mode)]) for mode in modes] == expected
    assert augmented.rank_sentences([AD], 20) == plain.rank_sentences([AD], 20)


def test_one_example_moves_a_missed_skill_into_the_top_five_and_deleting_it_undoes_that(
    full_memory_graph,
):
    extractor, memory = full_memory_graph.extractor, full_memory_graph.memory
    before = extractor.extract(PARAPHRASE, Ranking(5))
    assert SANITATION not in {m.uri for m in before}
    (added,) = memory.add([LabelledExample(EXAMPLE, (SANITATION,))])
    after = extractor.extract(PARAPHRASE, Ranking(5))
    taught = next(m for m in after if m.uri == SANITATION)
    assert [e.example_id for e in taught.evidence] == [added.example.id]
    assert taught.evidence[0].text == EXAMPLE and taught.evidence[0].similarity > 0.6
    assert all(not m.evidence for m in after if m.uri != SANITATION)
    memory.remove(added.example.id)
    assert dump([extractor.extract(PARAPHRASE, Ranking(5))]) == dump([before])


def test_a_negative_example_pushes_a_skill_down_for_near_texts(full_memory_graph):
    extractor, memory = full_memory_graph.extractor, full_memory_graph.memory
    text = "Experience with Python and PostgreSQL is required."
    before = {m.uri: m.score for m in extractor.extract(text, Ranking(10))}
    assert PYTHON in before
    memory.add([LabelledExample("Experience with Python is required.", (), (PYTHON,))])
    after = extractor.extract(text, Ranking(10))
    scores = {m.uri: m.score for m in after}
    assert scores.get(PYTHON, -1.0) < before[PYTHON] - 0.2
    assert len(after) == 10  # the next skill took its place
