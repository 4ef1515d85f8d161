"""Which graph an ad goes to: an ESCO occupation given by URI or label, or matched from a title."""

from __future__ import annotations

from ontology import OCCUPATION_NAMESPACE
from skillgraph import SkillGraph
from skillgraph.procedure.occupation_groups import GroupKey, group_of, groups_of_titles


def test_an_occupation_uri_uuid_or_label_is_the_occupation(full_graph: SkillGraph):
    taxonomy = full_graph.taxonomy
    [plumber] = [o for o in taxonomy.occupations.values() if o.preferred_label == "plumber"]
    expected = GroupKey(plumber.uri, "plumber")
    assert group_of(plumber.uri, taxonomy) == expected
    assert group_of(plumber.uuid, taxonomy) == expected
    assert group_of(" Plumber ", taxonomy) == expected
    alt = next(
        label for label in plumber.alt_labels if len(taxonomy.find_occupations_by_label(label)) == 1
    )
    assert group_of(alt, taxonomy) == expected


def test_other_values_are_groups_of_their_own(full_graph: SkillGraph):
    taxonomy = full_graph.taxonomy
    assert group_of("night shift team", taxonomy) == GroupKey("night shift team")
    ambiguous = next(
        label
        for occupation in taxonomy.occupations.values()
        for label in occupation.alt_labels
        if len(taxonomy.find_occupations_by_label(label)) > 1
        and all(label.lower() != o.preferred_label.lower() for o in taxonomy.occupations.values())
    )
    assert group_of(ambiguous, taxonomy) == GroupKey(ambiguous)


def test_titles_are_matched_to_their_best_occupation(full_graph: SkillGraph):
    found = groups_of_titles(["Plumber (Domestic) - Leeds", "Apply now!"], full_graph.occupations)
    assert found[0] is not None and found[0].label == "plumber"
    assert found[0].key.startswith(OCCUPATION_NAMESPACE)
    assert found[1] is None
