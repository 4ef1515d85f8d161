"""The API's request and response bodies as pydantic models: the OpenAPI document at
``/openapi.json`` is generated from them, and request bodies are validated against them.

Request bodies are strict (``"5"`` is not an integer, unknown fields are refused); query
parameters arrive as text and are converted. What depends on the loaded data or the settings
(a text's length, ``limit`` above ``api.max_search_results``, ESCO URIs) is checked by the views.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

from skillgraph.modes import MAX_TOP_K

PROBLEM_MIME = "application/problem+json"


class Body(BaseModel):
    """A JSON request body: strict types, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Reply(BaseModel):
    """A JSON answer. Fields a later version adds must not break a client's schema check."""

    model_config = ConfigDict(extra="allow")


# Requests ---------------------------------------------------------------------------------

_TOP_K = Field(None, ge=1, le=MAX_TOP_K, description="rank: the k best skills per sentence")
_MIN_SCORE = Field(None, ge=-1, le=1, description="threshold: every skill scoring this or more")


class ExtractRequest(Body):
    text: str = Field(description="a job ad or any text; sentences are found in it")
    title: str | None = Field(
        None, description="the ad's job title: adds its occupations and the skills' context"
    )
    occupation: str | None = Field(
        None,
        description="the ad's ESCO occupation (URI or UUID), if known: the skills' context is "
        "against it rather than the title's best match",
    )
    top_k: int | None = _TOP_K
    min_score: float | None = _MIN_SCORE


class ExtractBatchRequest(Body):
    texts: list[str] = Field(min_length=1, description="each text is answered on its own")
    top_k: int | None = _TOP_K
    min_score: float | None = _MIN_SCORE


class TextRequest(Body):
    text: str


class ProcedureRequest(Body):
    text: str
    key: str = Field("ad", min_length=1, description="names the graph in its output")


class InduceRequest(Body):
    sequences: list[list[str]] = Field(description="step texts, one list per ad, in order")
    key: str = Field("sequences", min_length=1)
    skills: bool = Field(True, description="link each step to ESCO skills")


class AdForGraph(Body):
    text: str
    occupation: str | None = Field(
        None, description="its ESCO occupation (URI or label), or any group name"
    )
    title: str | None = Field(None, description="its job title, matched to an ESCO occupation")


class ProcedureGraphsRequest(Body):
    ads: list[AdForGraph] = Field(min_length=1, description="one graph per occupation")
    key: str = Field("ads", min_length=1, description="the group of ads with neither field")
    skills: bool = Field(True, description="link each step to ESCO skills")


class ExampleLabels(Body):
    """What an example says about its text."""

    skills: list[str] = Field(default_factory=list, description="ESCO skill URIs it expresses")
    negatives: list[str] = Field(default_factory=list, description="ESCO URIs it does not")
    source: str = "api"


class ExampleFields(ExampleLabels):
    text: str


class ExamplesRequest(ExampleLabels):
    """One example, or ``{"examples": [...]}`` (all or nothing)."""

    text: str | None = None
    examples: list[ExampleFields] | None = Field(None, min_length=1)


class SparqlJson(Body):
    query: str


class ExamplePath(BaseModel):
    example_id: int


class ConceptPath(BaseModel):
    uuid: str


class ExampleListQuery(BaseModel):
    limit: int = Field(100, ge=1, le=1_000)
    offset: int = Field(0, ge=0, le=2**62)


class OccupationMatchRequest(Body):
    title: str = Field(description="the job title as the ad writes it (noise is cleaned away)")
    text: str | None = Field(None, description="the ad: its skills vote and get their context")
    occupation: str | None = Field(
        None, description="an ESCO occupation URI or UUID to give the skills' context for"
    )
    top_k: int | None = Field(None, ge=1, le=50, description="default occupations.top_k")


class OccupationSearchQuery(BaseModel):
    q: str = Field("", description="the search text")
    limit: int = Field(10, ge=1, description="at most api.max_search_results")


class SkillSearchQuery(BaseModel):
    q: str = Field("", description="the search text")
    limit: int = Field(10, ge=1, description="at most api.max_search_results")


# Answers ----------------------------------------------------------------------------------


class Evidence(Reply):
    example_id: int
    text: str
    similarity: float


class SkillMatch(Reply):
    uri: str
    label: str
    score: float
    skill_type: str
    sentence: str
    start: int = Field(description="offsets of the sentence in the text")
    end: int
    probability: float | None = Field(
        None,
        description="that the text asks for the skill: calibrated (extraction mode) or the "
        "re-ranker's (ranking and threshold modes)",
    )
    span_text: str | None = Field(None, description="extraction mode only")
    span_start: int | None = Field(None, description="offsets of the evidence span in the text")
    span_end: int | None = None
    evidence: list[Evidence] | None = Field(None, description="stored examples that count")


class IscoStep(Reply):
    code: str
    label: str


class OccupationCandidate(Reply):
    uri: str
    label: str
    score: float
    isco_code: str
    isco_path: list[IscoStep] = Field(description="ISCO-08 groups, major group first")
    matched_label: str = Field(description="the occupation's label nearest the title")


class RelatedSkill(Reply):
    uri: str
    label: str
    relation: str | None = Field(description="essential, optional, or null: not related")


class OccupationContext(Reply):
    occupation: str
    label: str
    skills: list[RelatedSkill] = Field(description="the ad's skills, in the answer's order")
    missing_essential: list[ConceptRef] = Field(
        description="the occupation's essential skills the ad does not mention"
    )


class Stamped(Reply):
    esco_version: str
    encoder: str
    model: str = Field(description="what answered: the reader in extraction mode, else the encoder")
    model_fingerprint: str


class ExtractResponse(Stamped):
    skills: list[SkillMatch]
    occupations: list[OccupationCandidate] | None = Field(
        None,
        description="when a title or occupation is given: the title's ESCO occupations "
        "(empty: no title, or no confident match)",
    )
    context: OccupationContext | None = Field(
        None,
        description="when a title or occupation is given: the skills against the occupation "
        "given, else the title's best match (null: neither)",
    )


class ItemError(Reply):
    status: int
    detail: str


class BatchItem(Reply):
    index: int
    skills: list[SkillMatch] | None = None
    error: ItemError | None = None


class ExtractBatchResponse(Stamped):
    results: list[BatchItem]
    errors: int


class Span(Reply):
    start: int
    end: int
    text: str
    confidence: float


class SpansResponse(Reply):
    model: str
    model_fingerprint: str
    spans: list[Span]


class ProcedureResponse(Reply):
    esco_version: str
    encoder: str
    steps: list[dict[str, Any]] = Field(
        description="text, source span, optional, conditions, evidence, skills (none: no skill)"
    )
    order: list[int]
    structure: dict[str, Any] = Field(
        description="precedes, alternatives and unordered sets of steps, each with its evidence"
    )
    graph: dict[str, Any] = Field(description="a skillgraph-procedure-graph document")


class Rejected(Reply):
    index: int
    reason: str


class InduceResponse(Reply):
    graph: dict[str, Any]
    rejected: list[Rejected]


class AdGroup(Reply):
    key: str
    label: str | None = Field(description="the ESCO occupation's preferred label")
    ads: list[int] = Field(description="indices of the request's ads in this group")


class ProcedureGraphsResponse(Reply):
    graphs: list[dict[str, Any]] = Field(description="skillgraph-procedure-graph documents")
    groups: list[AdGroup]
    rejected: list[Rejected]


class Example(Reply):
    id: int
    text: str
    skills: list[str]
    negatives: list[str]
    source: str
    added: str


class AddedExample(Example):
    merged: bool


class AddedExamples(Reply):
    examples: list[AddedExample]


class AddedAnswer(RootModel[AddedExample | AddedExamples]):
    """One added example, or the batch's."""


class ExampleList(Reply):
    total: int
    limit: int
    offset: int
    examples: list[Example]


class ConceptRef(Reply):
    uri: str
    label: str


class SkillDocument(Reply):
    uri: str
    uuid: str
    preferred_label: str
    alt_labels: list[str]
    description: str
    skill_type: str
    reuse_level: str
    broader: list[ConceptRef]
    esco_version: str


class OccupationDocument(Reply):
    uri: str
    uuid: str
    preferred_label: str
    alt_labels: list[str]
    description: str
    isco_code: str
    code: str
    broader: list[ConceptRef]
    essential_skills: list[ConceptRef]
    optional_skills: list[ConceptRef]
    esco_version: str


class SkillHit(Reply):
    uri: str
    label: str
    matched_label: str
    score: float
    skill_type: str


class SkillSearchResponse(Reply):
    query: str
    esco_version: str
    results: list[SkillHit]


class OccupationMatchResponse(Reply):
    esco_version: str
    title: str
    occupations: list[OccupationCandidate] = Field(description="empty: no confident match")
    skills: list[SkillMatch] | None = Field(None, description="the ad's skills, when text is given")
    context: OccupationContext | None = Field(
        None, description="the skills against the occupation given, else the best match"
    )


class OccupationHit(Reply):
    uri: str
    label: str
    matched_label: str
    score: float
    isco_code: str


class OccupationSearchResponse(Reply):
    query: str
    esco_version: str
    results: list[OccupationHit]


class Health(Reply):
    status: str
    profile: str
    esco_version: str
    encoder: str
    reader: str | None = Field(None, description="the span reader; none without a span model")
    reranker: str | None = Field(None, description="the ranking modes' re-ranker, if any")
    index_rows: int


class Readiness(Reply):
    status: str = Field(description="ready, draining or not ready")
    index_rows: int | None = None
    detail: str | None = None


class Problem(Reply):
    """RFC 9457 problem details: every error, validation errors included."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    request_id: str | None = Field(None, description="the id the server's logs know it by")
    errors: list[dict[str, Any]] | None = Field(None, description="one entry per invalid field")
