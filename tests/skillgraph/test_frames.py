"""``skillgraph.extract_frame``: a DataFrame of ads in, a row per (ad, skill) out, no ad lost."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from skillgraph import Pipeline, extract_frame
from skillgraph.frames import SKILL_COLUMNS


@pytest.fixture(scope="module")
def pipeline(full_graph) -> Pipeline:
    return Pipeline(full_graph)


def test_a_row_per_skill_and_one_for_each_ad_without(pipeline):
    ads = pd.DataFrame(
        {
            "ad_id": ["a", "b", "c", "d"],
            "text": ["You know Python and SQL.", math.nan, "We are a company.", "Lead nurses."],
        }
    )
    frame = extract_frame(ads, id_column="ad_id", pipeline=pipeline)
    assert list(frame.columns) == ["ad_id", *SKILL_COLUMNS, "error"]
    results = pipeline.extract(ads["text"].tolist())
    for ad_id, result in zip(ads["ad_id"], results, strict=True):
        rows = frame[frame["ad_id"] == ad_id]
        if result.skills:
            assert rows["uri"].tolist() == [s.uri for s in result.skills]
            assert rows["probability"].tolist() == [
                pytest.approx(s.to_dict()["probability"]) for s in result.skills
            ]
            assert rows["error"].isna().all()
        else:
            assert len(rows) == 1 and rows["uri"].isna().all()
    assert frame.loc[frame["ad_id"] == "b", "error"].item() == "text must be a string, got float"


def test_the_index_names_rows_when_there_is_no_id_column(pipeline):
    ads = pd.DataFrame({"body": ["You know Python."]}, index=pd.Index([41], name="posting"))
    frame = extract_frame(ads, text_column="body", pipeline=pipeline)
    assert frame.columns[0] == "posting" and set(frame["posting"]) == {41}
    with pytest.raises(KeyError, match="no column 'text'"):
        extract_frame(ads, pipeline=pipeline)
