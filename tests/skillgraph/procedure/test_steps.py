"""Duty sections, step splitting, temporal cues and ordering, on single statements."""

from __future__ import annotations

import pytest

from skillgraph import SkillGraph
from skillgraph.procedure import CueRelation, action_lexicon
from skillgraph.procedure.duties import DutyStatement, Section, duty_statements
from skillgraph.procedure.ordering import procedure_order
from skillgraph.procedure.steps import StepSplitter
from skillgraph.segmentation import Segmenter


@pytest.fixture(scope="module")
def splitter(full_graph: SkillGraph) -> StepSplitter:
    return StepSplitter(action_lexicon(full_graph.taxonomy))


def _split(splitter: StepSplitter, text: str, section: Section = Section.DUTIES):
    [found] = splitter.split([DutyStatement(text, 0, len(text), section)])
    return found


@pytest.mark.parametrize(
    ("statement", "steps"),
    [
        (
            "Install and commission heating systems",
            ["install heating systems", "commission heating systems"],
        ),
        ("Pick and pack orders accurately", ["pick orders accurately", "pack orders accurately"]),
        ("Read drawings and plan cable routes", ["read drawings", "plan cable routes"]),
        ("Monitor stock and supply levels", ["monitor stock and supply levels"]),
        (
            "You will be responsible for maintaining the warehouse system.",
            ["maintain the warehouse system"],
        ),
        (
            "Help clients with washing and dressing",
            ["help clients with washing and dressing"],
        ),
        ("Regularly inspect fire exits", ["inspect fire exits"]),
        ("Diagnose faults; carry out repairs", ["diagnose faults", "carry out repairs"]),
    ],
)
def test_statements_split_into_single_actions(splitter, statement, steps):
    assert [s.text for s in _split(splitter, statement).steps] == steps


def test_then_orders_the_following_step_after_the_previous(splitter):
    found = _split(splitter, "Load the van, then plan your route")
    assert [s.text for s in found.steps] == ["load the van", "plan your route"]
    [cue] = found.cues
    assert (cue.step, cue.cue, cue.relation, cue.target) == (1, "then", CueRelation.AFTER, 0)


@pytest.mark.parametrize(
    ("statement", "step", "cue", "relation", "event", "source"),
    [
        ("Prepare the site before installing pipework", "prepare the site", "before",
         CueRelation.BEFORE, "install pipework", "installing pipework"),
        ("Once the pipework is installed, pressure test the system", "pressure test the system",
         "once", CueRelation.AFTER, "install the pipework", "the pipework is installed"),
        ("Carry out checks prior to starting each shift", "carry out checks", "prior to",
         CueRelation.BEFORE, "start each shift", "starting each shift"),
        ("Clean tools following each job", "clean tools", "following", CueRelation.AFTER,
         "each job", "each job"),
    ],
)  # fmt: skip
def test_temporal_cues_are_read(splitter, statement, step, cue, relation, event, source):
    found = _split(splitter, statement)
    assert [s.text for s in found.steps] == [step]
    [read] = found.cues
    assert (read.cue, read.relation, read.event) == (cue, relation, event)
    assert statement[read.start : read.end] == source


@pytest.mark.parametrize(
    "statement",
    ["Look after residents in the home", "Check the fire alarm once a week"],
)
def test_words_that_only_look_like_cues_are_not_cues(splitter, statement):
    assert _split(splitter, statement).cues == ()


def test_outside_a_duties_section_only_actions_count(splitter):
    assert _split(splitter, "We are a friendly team.", Section.UNLABELLED).steps == ()
    found = _split(splitter, "You will deliver parcels.", Section.UNLABELLED)
    assert [s.text for s in found.steps] == ["deliver parcels"]
    assert _split(splitter, "You'll be").steps == ()  # framing and an auxiliary: no duty
    assert _split(splitter, "- 123 -").steps == ()
    nominal = _split(splitter, "Stock rotation and ordering")
    assert [s.text for s in nominal.steps] == ["stock rotation and ordering"]


def test_duty_sections_are_found_by_their_headings():
    text = (
        "Chef de Partie\n"
        "We are a busy restaurant.\n"
        "Key duties:\n"
        "- Prepare sauces\n"
        "- Clean the kitchen\n"
        "Requirements\n"
        "- Food hygiene certificate\n"
        "Benefits: free meals\n"
    )
    statements = duty_statements(text, Segmenter())
    assert [s.text for s in statements] == ["Prepare sauces", "Clean the kitchen"]
    assert all(text[s.start : s.end] == s.text for s in statements)
    assert {s.section for s in statements} == {Section.DUTIES}


def test_without_a_duties_heading_other_sections_are_still_left_out():
    text = "Support Worker\nYou will support adults.\nAbout you\nYou drive."
    statements = duty_statements(text, Segmenter())
    assert [s.text for s in statements] == ["You will support adults."]


def test_an_inline_duties_heading_keeps_its_body():
    text = "Responsibilities: install boilers and service them."
    [statement] = duty_statements(text, Segmenter())
    assert statement.text == "install boilers and service them."


def test_order_follows_the_text_unless_a_constraint_says_otherwise():
    assert procedure_order(3, []) == ([0, 1, 2], [])
    assert procedure_order(3, [(2, 0)]) == ([1, 2, 0], [])
    order, ignored = procedure_order(3, [(0, 1), (1, 2), (2, 0)])
    assert order == [0, 1, 2]
    assert ignored == [(2, 0)]  # contradicts the two before it: a cycle
