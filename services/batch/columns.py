"""The columns a result is written in: JSON Lines' fields as CSV columns (one line per skill)
and as a Parquet schema (one row per input row). A run with occupations
(``extract --title-column/--occupation-column``) adds them: Parquet carries ``occupations``
and ``context`` whole, as JSON Lines does; CSV, one line per skill, adds the skill's
``relation`` to the posting's occupation and that occupation's URI, label and match score (the
ranked alternatives and the gap list would repeat on every line: they are JSON Lines' and
Parquet's)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from services.batch.records import RowResult

# A skill's columns in CSV, in JSON Lines' order; evidence (a list) as a JSON text.
SKILL_COLUMNS: tuple[str, ...] = (
    "uri",
    "label",
    "score",
    "skill_type",
    "sentence",
    "start",
    "end",
    "probability",
    "span_text",
    "span_start",
    "span_end",
    "evidence",
)
CSV_COLUMNS: tuple[str, ...] = ("id", "esco_version", "model", "model_fingerprint", "rank")
CSV_COLUMNS = (*CSV_COLUMNS, *SKILL_COLUMNS)
# After the skill's: its relation to the posting's occupation (the one given, else the best
# match), and that occupation.
OCCUPATION_CSV_COLUMNS: tuple[str, ...] = (
    "relation",
    "occupation",
    "occupation_label",
    "occupation_score",
)

_EVIDENCE_STRUCT = pa.struct(
    [
        pa.field("example_id", pa.int64()),
        pa.field("text", pa.string()),
        pa.field("similarity", pa.float64()),
    ]
)
_SKILL_STRUCT = pa.struct(
    [
        pa.field("uri", pa.string()),
        pa.field("label", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("skill_type", pa.string()),
        pa.field("sentence", pa.string()),
        pa.field("start", pa.int32()),
        pa.field("end", pa.int32()),
        pa.field("probability", pa.float64()),
        pa.field("span_text", pa.string()),
        pa.field("span_start", pa.int32()),
        pa.field("span_end", pa.int32()),
        pa.field("evidence", pa.list_(_EVIDENCE_STRUCT)),
    ]
)
PARQUET_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("esco_version", pa.string(), nullable=False),
        pa.field("model", pa.string()),
        pa.field("model_fingerprint", pa.string()),
        pa.field("skills", pa.list_(_SKILL_STRUCT), nullable=False),
    ]
)

_CONCEPT = [pa.field("uri", pa.string()), pa.field("label", pa.string())]
_OCCUPATION_STRUCT = pa.struct(
    [
        *_CONCEPT,
        pa.field("score", pa.float64()),
        pa.field("isco_code", pa.string()),
        pa.field(
            "isco_path",
            pa.list_(pa.struct([pa.field("code", pa.string()), pa.field("label", pa.string())])),
        ),
        pa.field("matched_label", pa.string()),
    ]
)
_CONTEXT_STRUCT = pa.struct(
    [
        pa.field("occupation", pa.string()),
        pa.field("label", pa.string()),
        pa.field("skills", pa.list_(pa.struct([*_CONCEPT, pa.field("relation", pa.string())]))),
        pa.field("missing_essential", pa.list_(pa.struct(_CONCEPT))),
    ]
)
PARQUET_OCCUPATION_SCHEMA = PARQUET_SCHEMA.append(
    pa.field("occupations", pa.list_(_OCCUPATION_STRUCT), nullable=False)
).append(pa.field("context", _CONTEXT_STRUCT))


def parquet_schema(occupations: bool) -> pa.Schema:
    return PARQUET_OCCUPATION_SCHEMA if occupations else PARQUET_SCHEMA


def parquet_row(result: RowResult) -> dict[str, Any]:
    """``result.to_dict()`` with every skill column present (None, or no evidence)."""
    row = result.to_dict()
    row["skills"] = [
        {name: skill.get(name, [] if name == "evidence" else None) for name in SKILL_COLUMNS}
        for skill in row["skills"]
    ]
    return row


def occupation_cells(result: RowResult, skill: str | None) -> tuple[Any, ...]:
    """The ``OCCUPATION_CSV_COLUMNS`` of ``result``'s line for ``skill`` (a URI; None on the
    line of a row without skills): None where there is nothing to say."""
    posting = result.occupations
    if posting is None or posting.context is None:
        return (None,) * len(OCCUPATION_CSV_COLUMNS)
    context = posting.context
    score = next((m.score for m in posting.matches if m.uri == context.occupation), None)
    return (
        context.relation_of(skill) if skill is not None else None,
        context.occupation,
        context.label,
        None if score is None else round(score, 4),
    )
