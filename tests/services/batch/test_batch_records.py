"""Records: the JSON-ready shapes that every writer emits."""

from __future__ import annotations

from services.batch import RowError, RowResult
from services.batch.columns import SKILL_COLUMNS
from skillgraph.records import ModelStamp, SkillMatch


def test_skill_to_dict_rounds_the_score_and_follows_field_order() -> None:
    skill = SkillMatch("u", "Python", 0.123456789, "skill/competence", "Know Python.", 0, 12)
    assert skill.to_dict() == {
        "uri": "u",
        "label": "Python",
        "score": 0.123457,
        "skill_type": "skill/competence",
        "sentence": "Know Python.",
        "start": 0,
        "end": 12,
    }
    assert tuple(skill.to_dict()) == SKILL_COLUMNS[:7]  # the columns' order; a ranking skill


def test_row_result_to_dict() -> None:
    skill = SkillMatch("u", "SQL", 0.5, "knowledge", "SQL.", 3, 7)
    result = RowResult("ad-1", 1, "v1.2.0", (skill,))
    assert result.to_dict() == {
        "id": "ad-1",
        "esco_version": "v1.2.0",
        "model": None,  # unknown: given by whoever made the result
        "model_fingerprint": None,
        "skills": [skill.to_dict()],
    }


def test_row_error_to_dict() -> None:
    error = RowError(4, None, "empty text", 5)
    assert error.to_dict() == {"row": 4, "line": 5, "id": None, "reason": "empty text"}


def test_row_result_to_dict_names_its_model_before_the_skills() -> None:
    result = RowResult("ad-1", 1, "v1.2.0", (), ModelStamp("onnx:m", "abc"))
    assert list(result.to_dict()) == ["id", "esco_version", "model", "model_fingerprint", "skills"]
    assert result.to_dict()["model_fingerprint"] == "abc"
