"""pandas in, pandas out: ``extract_frame(df)`` gives one row per (input row, skill).

Needs the ``pandas`` extra (``pip install "skillgraph-esco[pandas]"``). A row with no skill, or
whose text is unusable (a NaN, an empty string), keeps one row with empty skill fields and,
for the unusable ones, ``error``: no input row is lost.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from skillgraph.library import Pipeline, load

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SKILL_COLUMNS", "extract_frame"]

SKILL_COLUMNS = (
    "uri",
    "label",
    "skill_type",
    "probability",
    "score",
    "span_text",
    "span_start",
    "span_end",
    "sentence",
    "start",
    "end",
    "evidence",
)


def extract_frame(
    frame: pd.DataFrame,
    text_column: str = "text",
    id_column: str | None = None,
    *,
    pipeline: Pipeline | None = None,
    top_k: int | None = None,
    min_score: float | None = None,
) -> pd.DataFrame:
    """The skills of every row of ``frame[text_column]``, one output row per skill.

    The first column is ``id_column``'s values, or the frame's index (named as it is, else
    ``row``). ``pipeline`` defaults to :func:`skillgraph.load`'s default, loaded once.
    """
    import pandas as pd

    if text_column not in frame.columns:
        raise KeyError(f"no column {text_column!r}; the frame has {list(frame.columns)}")
    if id_column is not None and id_column not in frame.columns:
        raise KeyError(f"no column {id_column!r}; the frame has {list(frame.columns)}")
    ids = frame[id_column] if id_column is not None else frame.index
    key = id_column or frame.index.name or "row"
    pipeline = pipeline or _default_pipeline()
    results = pipeline.extract(frame[text_column].tolist(), top_k=top_k, min_score=min_score)
    rows: list[dict[str, Any]] = []
    for identifier, result in zip(ids, results, strict=True):
        for skill in result.skills:
            fields = skill.to_dict()
            row = {key: identifier, **{c: fields.get(c) for c in SKILL_COLUMNS}, "error": None}
            rows.append(row)
        if not result.skills:
            rows.append({key: identifier, **dict.fromkeys(SKILL_COLUMNS), "error": result.error})
    return pd.DataFrame(rows, columns=[key, *SKILL_COLUMNS, "error"])


@functools.cache
def _default_pipeline() -> Pipeline:
    return load()
