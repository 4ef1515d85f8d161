"""Structure inside one ad: alternatives, conditions, optional steps, unordered lists, explicit
order and pronouns, each with its evidence, from the step texts to the ad's graph."""

from __future__ import annotations

import pytest

from skillgraph import SkillGraph
from skillgraph.procedure import (
    AdProcedure,
    ProcedureExtractor,
    Relation,
    graph_from_dict,
    graph_to_dict,
    induce_graph,
)

# The maintenance ad of issue 20, as a new user wrote it: one paragraph of prose.
MAINTENANCE = (
    "Maintenance Technician\n\n"
    "About the role\n"
    "Inspect production lines at the start of each shift, record faults in the CMMS, diagnose "
    "failures on conveyors and packaging machines, replace worn parts such as bearings, belts "
    "and seals, or order them from the supplier if not in stock, calibrate sensors after every "
    "repair, test the line before handing it back to production.\n"
)


def _extract(extractor: ProcedureExtractor, text: str) -> AdProcedure:
    return extractor.extract(text, with_skills=False)


def _texts(found: AdProcedure) -> list[str]:
    return [step.text for step in found.steps]


def _step(found: AdProcedure, text: str):
    [step] = [s for s in found.steps if s.text == text]
    return step


def _rules(step) -> dict[str, str]:
    return {e.rule: e.cue for e in step.evidence}


def _precedes(found: AdProcedure) -> dict[tuple[str, str], tuple[str, str]]:
    texts = _texts(found)
    return {
        (texts[p.before], texts[p.after]): (p.evidence.rule, p.evidence.cue)
        for p in found.precedence
    }


def test_or_between_two_duties_makes_them_alternatives(procedure_extractor):
    text = "Duties:\n- Replace worn belts, or order new belts from the supplier\n"
    found = _extract(procedure_extractor, text)
    assert _texts(found) == ["replace worn belts", "order new belts from the supplier"]
    [alternative] = found.alternatives
    assert (alternative.first, alternative.second) == (0, 1)
    assert alternative.evidence.rule == "alternative" and alternative.evidence.cue == "or"
    assert text[alternative.evidence.start : alternative.evidence.end] == "or"
    assert not found.precedence  # neither comes before the other


def test_either_or_and_a_shared_object_make_alternatives(procedure_extractor):
    found = _extract(procedure_extractor, "Duties:\n- Either repair or replace the pump\n")
    assert _texts(found) == ["repair the pump", "replace the pump"]
    [alternative] = found.alternatives
    assert alternative.evidence.cue == "either ... or"
    # "and/or" lets both happen: no alternative.
    both = _extract(procedure_extractor, "Duties:\n- Clean and/or polish the floors\n")
    assert not both.alternatives


def test_alternatives_share_one_place_in_the_order(procedure_extractor):
    text = (
        "Check the stock level, then order new parts or borrow parts from another site, "
        "and update the log."
    )
    found = _extract(procedure_extractor, text)
    pairs = _precedes(found)
    for alternative in ("order new parts", "borrow parts from another site"):
        assert ("check the stock level", alternative) in pairs
        assert (alternative, "update the log") in pairs
    assert ("order new parts", "borrow parts from another site") not in pairs


@pytest.mark.parametrize(
    ("statement", "step", "condition"),
    [
        (
            "Order spare parts from the supplier if not in stock",
            "order spare parts from the supplier",
            "if not in stock",
        ),
        ("Drive the van when needed", "drive the van", "when needed"),
        ("Mentor junior staff where required", "mentor junior staff", "where required"),
        ("Cover reception as and when required", "cover reception", "as and when required"),
        ("Restock the fridge, whichever is needed", "restock the fridge", "whichever is needed"),
        (
            "If a machine breaks down, report the fault to the manager",
            "report the fault to the manager",
            "If a machine breaks down",
        ),
    ],
)
def test_conditions_are_cut_from_the_step_and_kept(procedure_extractor, statement, step, condition):
    text = f"Duties:\n- {statement}\n"
    found = _extract(procedure_extractor, text)
    extracted = _step(found, step)
    [evidence] = [e for e in extracted.evidence if e.rule == "condition"]
    assert evidence.cue == condition
    assert text[evidence.start : evidence.end] == condition
    assert extracted.optional and extracted.conditions == (condition,)


def test_a_complement_clause_is_not_a_condition(procedure_extractor):
    found = _extract(procedure_extractor, "Duties:\n- Check if the pump works\n")
    [step] = found.steps
    assert step.text == "check if the pump works"
    assert not step.evidence and not step.optional


@pytest.mark.parametrize(
    ("statement", "step", "cue"),
    [
        ("Running the weekly stock count is a plus", "run the weekly stock count", "is a plus"),
        ("Ideally, you will also train new starters", "train new starters", "ideally"),
        ("You may be asked to open the shop", "open the shop", "may"),
        ("Update the wiki where possible", "update the wiki", "where possible"),
    ],
)
def test_optional_markers_make_the_step_optional(procedure_extractor, statement, step, cue):
    text = f"Duties:\n- {statement}\n"
    found = _extract(procedure_extractor, text)
    extracted = _step(found, step)
    assert _rules(extracted) == {"optional": cue}
    assert extracted.optional and not extracted.conditions
    evidence = extracted.evidence[0]
    assert text[evidence.start : evidence.end].lower() == cue


def test_a_bullet_list_without_sequence_words_is_a_set(procedure_extractor):
    text = "Duties:\n- Serve customers\n- Keep the counter clean\n- Restock the fridge\n"
    found = _extract(procedure_extractor, text)
    assert _texts(found) == ["serve customers", "keep the counter clean", "restock the fridge"]
    assert not found.precedence
    [unordered] = found.unordered
    assert unordered.steps == (0, 1, 2)
    assert unordered.evidence.rule == "unordered-list"
    assert text[unordered.evidence.start : unordered.evidence.end].startswith("Serve customers")


def test_clauses_inside_one_bullet_keep_their_order(procedure_extractor):
    text = "Duties:\n- Prepare drinks and serve customers\n- Keep the counter clean\n"
    found = _extract(procedure_extractor, text)
    assert _precedes(found) == {
        ("prepare drinks", "serve customers"): ("text-order", "one list item")
    }
    assert len(found.unordered) == 1


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Duties:\n1. Serve customers\n2. Keep the counter clean\n", "numbered list"),
        (
            "Duties:\n- Serve customers\n- Keep the counter clean before closing the shop\n",
            "sequence words",
        ),
        ("Serve customers. Keep the counter clean.", "prose"),
    ],
)
def test_numbered_lists_lists_with_sequence_words_and_prose_are_ordered(
    procedure_extractor, text, cue
):
    found = _extract(procedure_extractor, text)
    assert _precedes(found)[("serve customers", "keep the counter clean")] == ("text-order", cue)
    assert not found.unordered


def test_a_time_without_an_action_leaves_a_bullet_list_a_set(procedure_extractor):
    text = "Duties:\n- Serve customers\n- Keep the counter clean after each order\n"
    found = _extract(procedure_extractor, text)
    assert not found.precedence and len(found.unordered) == 1
    assert [c.event for c in found.unresolved] == ["each order"]


@pytest.mark.parametrize(
    ("text", "before", "after", "cue"),
    [
        (
            "Duties:\n- Load the van, then plan the route\n",
            "load the van",
            "plan the route",
            "then",
        ),
        (
            "Duties:\n- Clean the tools after servicing the boiler\n",
            "service the boiler",
            "clean the tools",
            "after",
        ),
        (
            "Duties:\n- Prepare the site before installing pipework\n",
            "prepare the site",
            "install pipework",
            "before",
        ),
        (
            "Duties:\n- Once the pipework is installed, test the system\n",
            "install the pipework",
            "test the system",
            "once",
        ),
        (
            "Duties:\n- Load the van\n- Then deliver the parcels\n",
            "load the van",
            "deliver the parcels",
            "then",
        ),
    ],
)
def test_explicit_order_words_order_steps_with_their_evidence(
    procedure_extractor, text, before, after, cue
):
    found = _extract(procedure_extractor, text)
    assert _precedes(found)[(before, after)] == ("explicit-order", cue)
    sequence = found.sequence()
    assert sequence.index(before) < sequence.index(after)


def test_an_event_is_not_the_step_of_the_opposite_action(procedure_extractor):
    text = "Duties:\n1. Open the shop\n2. Clean the coffee machine before closing the shop\n"
    found = _extract(procedure_extractor, text)
    assert "close the shop" in _texts(found)  # its own step, not "open the shop"
    pairs = _precedes(found)
    assert pairs[("clean the coffee machine", "close the shop")] == ("explicit-order", "before")
    assert ("open the shop", "clean the coffee machine") in pairs


def test_pronoun_objects_take_the_object_of_the_step_before(procedure_extractor):
    text = (
        "Duties:\n- Collect returns and bring them back to the depot\n"
        "- Test the line before handing it back to production\n"
    )
    found = _extract(procedure_extractor, text)
    assert _texts(found) == [
        "collect returns",
        "bring returns back to the depot",
        "test the line",
        "hand the line back to production",
    ]
    for step, word, antecedent in [(1, "them", "returns"), (3, "it", "the line")]:
        [evidence] = found.steps[step].evidence
        assert (evidence.rule, evidence.cue) == ("pronoun", f"{word} -> {antecedent}")
        assert text[evidence.start : evidence.end] == word
    assert found.steps[1].action.object == "return"


def test_a_pronoun_after_a_leading_clause_takes_its_subject(procedure_extractor):
    text = (
        "Duties:\n- Review code and mentor junior developers\n"
        "- Once the services are tested, deploy them to production\n"
    )
    found = _extract(procedure_extractor, text)
    assert "deploy the services to production" in _texts(found)


def test_a_pronoun_at_the_start_of_a_statement_takes_the_last_object_before(procedure_extractor):
    found = _extract(procedure_extractor, "Service the boilers. Then inspect them every year.")
    assert _texts(found) == ["service the boilers", "inspect the boilers every year"]


def test_the_maintenance_ad_keeps_its_alternative_condition_and_pronouns(procedure_extractor):
    found = _extract(procedure_extractor, MAINTENANCE)
    assert _texts(found) == [
        "inspect production lines at the start of each shift",
        "record faults in the CMMS",
        "diagnose failures on conveyors and packaging machines",
        "replace worn parts such as bearings, belts and seals",
        "order worn parts from the supplier",
        "calibrate sensors",
        "test the line",
        "hand the line back to production",
    ]
    order = _step(found, "order worn parts from the supplier")
    assert _rules(order) == {"condition": "if not in stock", "pronoun": "them -> worn parts"}
    [alternative] = found.alternatives
    assert (alternative.first, alternative.second) == (3, 4)
    pairs = _precedes(found)
    assert pairs[("test the line", "hand the line back to production")] == (
        "explicit-order",
        "before",
    )
    diagnose = "diagnose failures on conveyors and packaging machines"
    assert pairs[("record faults in the CMMS", diagnose)] == ("text-order", "prose")
    [unresolved] = found.unresolved
    assert (unresolved.cue, unresolved.event) == ("after", "every repair")


def test_the_ad_graph_carries_the_structure_and_its_evidence(
    procedure_extractor, full_graph: SkillGraph
):
    found = _extract(procedure_extractor, MAINTENANCE)
    settings = full_graph.settings.procedure
    graph = induce_graph([found.observation()], "maintenance", full_graph.encoder, settings,
                         unit="ads")  # fmt: skip
    again = graph_from_dict(graph_to_dict(graph))
    assert again == graph
    nodes = {node.text: node for node in graph.nodes}
    order = nodes["order worn parts from the supplier"]
    assert order.optional and order.support == 1
    assert {(e.rule, e.cue) for e in order.evidence} == {
        ("condition", "if not in stock"),
        ("pronoun", "them -> worn parts"),
    }
    assert all(e.start is not None for e in order.evidence)  # one ad: places kept
    [alternative] = [e for e in graph.edges if e.relation is Relation.ALTERNATIVE]
    assert {alternative.source, alternative.target} == {
        nodes["replace worn parts such as bearings, belts and seals"].id,
        order.id,
    }
    assert not alternative.in_dag
    diagnose = nodes["diagnose failures on conveyors and packaging machines"].id
    successors = {e.target for e in graph.dag_edges() if e.source == diagnose}
    assert successors == {alternative.source, alternative.target}  # the graph branches
    assert all(edge.evidence for edge in graph.edges)


def test_the_graph_of_an_unordered_list_says_it_is_a_set(procedure_extractor, full_graph):
    text = "Duties:\n- Serve customers\n- Keep the counter clean\n- Restock the fridge\n"
    found = _extract(procedure_extractor, text)
    settings = full_graph.settings.procedure
    graph = induce_graph([found.observation()], "cafe", full_graph.encoder, settings)
    assert not graph.edges
    [group] = graph.unordered
    assert set(group.nodes) == {node.id for node in graph.nodes}
    assert group.evidence[0].rule == "unordered-list"
    assert not graph.paths  # a set is no path
