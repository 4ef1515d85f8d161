"""ExampleMemory: adding, merging, removing, other writers, other encoders, the shipped seed."""

from __future__ import annotations

import numpy as np
import pytest

from skillgraph.memory import (
    ExampleBatchError,
    ExampleMemory,
    ExampleNotFoundError,
    ExampleStore,
    LabelledExample,
    MemoryUnavailableError,
    UnknownSkillError,
    memory_path,
    seed_names,
)
from tests.skillgraph.memory.conftest import MANAGE_STAFF, PYTHON, SQL

UNKNOWN = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"


@pytest.fixture
def memory(small_memory_graph) -> ExampleMemory:
    assert small_memory_graph.memory is not None
    return small_memory_graph.memory


def test_added_examples_are_searchable_and_removal_takes_them_out(memory):
    (added,) = memory.add([LabelledExample("You will write Python code.", (PYTHON,))])
    query = memory.encoder.encode(["Coding in Python every day."])
    (found,) = memory.neighbour_index().search(query, k=3)
    assert [n.example.id for n in found] == [added.example.id]
    assert found[0].similarity > 0.5
    memory.remove(added.example.id)
    assert memory.neighbour_index().search(query, k=3) == [[]]
    with pytest.raises(ExampleNotFoundError):
        memory.remove(added.example.id)
    with pytest.raises(ExampleNotFoundError):
        memory.get(added.example.id)


def test_a_batch_with_one_bad_example_stores_nothing_and_names_each_problem(memory):
    batch = [
        LabelledExample("You will write Python code.", (PYTHON,)),
        LabelledExample("   ", (PYTHON,)),
        LabelledExample("You query databases.", (UNKNOWN,)),
    ]
    with pytest.raises(ExampleBatchError) as caught:
        memory.add(batch)
    assert [index for index, _ in caught.value.problems] == [1, 2]
    assert UNKNOWN in caught.value.problems[1][1]
    assert len(memory) == 0
    with pytest.raises(UnknownSkillError):  # a single example raises its own error
        memory.add([batch[2]])


def test_writes_by_another_process_are_seen_on_the_next_search(memory, small_memory_graph):
    other = ExampleMemory(
        ExampleStore(memory_path(small_memory_graph.settings)),
        memory.taxonomy,
        memory.encoder,
        max_text_chars=2000,
    )
    assert len(memory.neighbour_index()) == 0
    other.add([LabelledExample("You will lead a team of six.", (MANAGE_STAFF,))])
    assert len(memory.neighbour_index()) == 1
    assert memory.neighbour_index() is memory.neighbour_index()  # no rebuild without a write


def test_examples_stored_with_another_encoder_are_embedded_again(memory):
    text = "You will write SQL queries."
    memory.store.add([LabelledExample(text, (SQL,))], np.ones((1, 3), np.float32), "other@1")
    (found,) = memory.neighbour_index().search(memory.encoder.encode([text]), k=1)
    assert found[0].example.text == text
    assert found[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert memory.store.contents(memory.encoder_key).missing == ()


def test_skills_the_loaded_release_lacks_are_ignored(memory):
    memory.store.add(
        [LabelledExample("You will write SQL queries.", (SQL, UNKNOWN))],
        memory.encoder.encode(["You will write SQL queries."]),
        memory.encoder_key,
    )
    (found,) = memory.neighbour_index().search(memory.encoder.encode(["SQL queries"]), k=1)
    assert found[0].example.skills == (SQL,)


def test_the_shipped_seed_is_added_once(memory, small_memory_graph):
    assert "skillskape" in seed_names()
    added = memory.add_seed("skillskape")
    # The small export has 27 skills: only seed examples labelled with those alone fit it.
    assert 0 < added == len(memory) < 500
    assert memory.add_seed("skillskape") == 0
    with pytest.raises(MemoryUnavailableError, match="shipped"):
        memory.add_seed("no-such-seed")


def test_an_off_memory_or_a_bad_name_is_refused(small_memory_graph):
    settings = small_memory_graph.settings
    graph = small_memory_graph
    with pytest.raises(MemoryUnavailableError, match="off"):
        ExampleMemory.open(
            settings.replace({"memory.enabled": "false"}), graph.taxonomy, graph.encoder
        )
    with pytest.raises(MemoryUnavailableError, match=r"memory\.name"):
        memory_path(settings.replace({"memory.name": "../escape"}))
