"""The SkillGraph vocabulary, its SHACL shapes, the typed namespaces and ESCO as RDF."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ontology import (
    ESCO,
    PREFIXES,
    SG,
    SHAPES_PATH,
    VOCABULARY_PATH,
    EscoRelease,
    EscoTaxonomy,
    Occupation,
    Skill,
    esco_triples,
)
from ontology.namespace import RDF, SKOS
from ontology.rdf_esco import SKILL_TYPE_IRIS

# pySHACL still calls rdflib APIs that rdflib 7 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _graph(triples) -> Graph:
    data = pyoxigraph.serialize(list(triples), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def test_every_namespace_term_is_defined_with_an_english_label_and_comment() -> None:
    vocabulary = Graph().parse(VOCABULARY_PATH, format="turtle")
    defined = {
        str(subject)[len(SG.IRI) :]
        for subject in vocabulary.subjects()
        if isinstance(subject, URIRef) and str(subject).startswith(SG.IRI)
    }
    assert defined == set(SG.TERMS)
    for term in SG.TERMS:
        node = URIRef(SG.IRI + term)
        labels = [lit for lit in vocabulary.objects(node, RDFS.label) if lit.language == "en"]
        comments = [lit for lit in vocabulary.objects(node, RDFS.comment) if lit.language == "en"]
        assert labels and comments, term


def test_a_misspelt_term_fails_loudly() -> None:
    assert SG.SkillExtraction.value == "https://w3id.org/skillgraph/ns#SkillExtraction"
    assert SG.score in SG and ESCO.Skill not in SG
    with pytest.raises(AttributeError, match="'skillExtraction' is not a term of SG"):
        _ = SG.skillExtraction  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="relatedSkill"):
        _ = ESCO.relatedSkill  # type: ignore[attr-defined]


def test_prefixes_name_the_namespaces() -> None:
    assert PREFIXES["sg"] == SG.IRI
    assert PREFIXES["esco"] == "http://data.europa.eu/esco/model#"


def test_the_shapes_reject_a_broken_extraction() -> None:
    data = Graph().parse(
        data="""
        @prefix sg: <https://w3id.org/skillgraph/ns#> .
        @prefix schema: <http://schema.org/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://x/p> a schema:JobPosting ; schema:identifier "p" ;
            <http://purl.org/dc/terms/isPartOf> <http://x/d> .
        <http://x/r> a sg:ExtractionRun ; sg:method sg:EmbeddingRetrieval ; sg:escoVersion "v1" .
        <http://x/e> a sg:SkillExtraction ; sg:extractedFrom <http://x/p> ;
            sg:skill <http://data.europa.eu/esco/skill/1> ; sg:score "1.5"^^xsd:double ;
            sg:evidenceStart 9 ; sg:evidenceEnd 3 ; prov:wasGeneratedBy <http://x/r> .
        """,
        format="turtle",
    )
    conforms, _, report = validate(data, shacl_graph=str(SHAPES_PATH), shacl_graph_format="turtle")
    assert not conforms
    assert "MaxInclusiveConstraintComponent" in report  # a score over 1
    assert "Result Path: sg:evidenceSentence" in report  # no sentence
    assert "LessThanOrEqualsConstraintComponent" in report  # a start after the end


def test_esco_as_rdf_keeps_uris_labels_types_and_relations(small_taxonomy: EscoTaxonomy) -> None:
    triples = list(esco_triples(small_taxonomy))
    skill = next(s for s in small_taxonomy.skills.values() if s.broader and s.preferred_label)
    node = pyoxigraph.NamedNode(skill.uri)
    about = {(t.predicate, t.object) for t in triples if t.subject == node}
    assert (SKOS.prefLabel, pyoxigraph.Literal(skill.preferred_label, language="en")) in about
    assert (RDF.type, ESCO.Skill) in about
    assert all((SKOS.broader, pyoxigraph.NamedNode(uri)) in about for uri in skill.broader)
    if skill.skill_type:
        assert (ESCO.skillType, SKILL_TYPE_IRIS[skill.skill_type]) in about
    essential = sum(len(o.essential_skills) for o in small_taxonomy.occupations.values())
    skill_essential = sum(len(s.essential_skills) for s in small_taxonomy.skills.values())
    assert sum(t.predicate == ESCO.relatedEssentialSkill for t in triples) == (
        essential + skill_essential
    )
    conforms, _, report = validate(
        _graph(triples), shacl_graph=str(SHAPES_PATH), shacl_graph_format="turtle"
    )
    assert conforms, report


def test_hostile_labels_survive_every_format() -> None:
    hostile = 'a "b" \\ \\u0041 \n <c> \U0001f600 \x01 ' + "x" * 20_000
    taxonomy = EscoTaxonomy(
        EscoRelease("v9", "en"),
        [Skill("http://data.europa.eu/esco/skill/1", hostile, (hostile + "alt",), hostile)],
        [
            Occupation(
                "http://data.europa.eu/esco/occupation/2",
                hostile,
                essential_skills=("http://data.europa.eu/esco/skill/1",),
            )
        ],
    )
    triples = set(esco_triples(taxonomy))
    for fmt in (
        pyoxigraph.RdfFormat.TURTLE,
        pyoxigraph.RdfFormat.N_TRIPLES,
        pyoxigraph.RdfFormat.RDF_XML,
        pyoxigraph.RdfFormat.JSON_LD,
    ):
        data = pyoxigraph.serialize(triples, format=fmt, prefixes=PREFIXES)
        assert {q.triple for q in pyoxigraph.parse(data, format=fmt)} == triples, fmt
    labels = {t.object.value for t in triples if t.predicate == SKOS.prefLabel}
    assert labels == {hostile}
