"""Loading the official ESCO CSV export format (``ontology.esco_csv``)."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest

from ontology import EscoFormatError, EscoRelease, EscoTaxonomy, load_esco_csv
from ontology.esco_csv import infer_language, infer_version
from ontology.taxonomy import OCCUPATION_NAMESPACE as OCCUPATION
from ontology.taxonomy import SKILL_NAMESPACE as SKILL

ISCO = "http://data.europa.eu/esco/isco/"
ISCED = "http://data.europa.eu/esco/isced-f/"

PYTHON = SKILL + "ccd0a1d9-afda-43d9-b901-96344886e14d"
COMPUTER_PROGRAMMING = SKILL + "21d2f96d-35f7-4e3f-9745-c533d2dd6e97"
SOFTWARE_DEVELOPER = OCCUPATION + "f2b15a0e-e65a-438a-affb-29b9d50b77d1"


def test_loads_every_record_type(small_taxonomy: EscoTaxonomy) -> None:
    assert small_taxonomy.release == EscoRelease(version="v1.2.0", language="en")
    counts = small_taxonomy.stats()
    assert (counts["skills"], counts["occupations"]) == (27, 7)
    assert (counts["skill_groups"], counts["isco_groups"]) == (30, 14)


def test_keeps_file_order(small_taxonomy: EscoTaxonomy) -> None:
    first, second = list(small_taxonomy.skills)[:2]
    assert first == SKILL + "0005c151-5b5a-4a66-8aac-60e734beb1ab"
    assert second == SKILL + "16c2b3fb-3a41-4b0e-bb35-06e659917b02"


def test_splits_multiline_alt_labels(small_taxonomy: EscoTaxonomy) -> None:
    skill = small_taxonomy.skill(SKILL + "0005c151-5b5a-4a66-8aac-60e734beb1ab")
    assert skill.preferred_label == "manage musical staff"
    assert skill.alt_labels == (
        "manage staff of music",
        "coordinate duties of musical staff",
        "manage music staff",
        "direct musical staff",
    )


def test_keeps_multiline_description_with_comma_and_quote(small_taxonomy: EscoTaxonomy) -> None:
    description = small_taxonomy.skill(COMPUTER_PROGRAMMING).description
    assert description.startswith("The techniques and principles of software development, such")
    assert description.endswith(
        'programming languages.\nSee also "software frameworks", a related knowledge item.'
    )


def test_strips_label_padding(small_taxonomy: EscoTaxonomy) -> None:
    assert small_taxonomy.skill("fecf8a0d-62c4-4e71-9b03-0f4fc2ad7bf5").preferred_label == (
        "data models"
    )
    # Published with a trailing space in the official occupations file.
    devops = small_taxonomy.occupation("cc867bee-ab5c-427f-9244-f7a204d9574b")
    assert devops.preferred_label == "cloud DevOps engineer"


def test_keeps_skill_without_preferred_label(small_taxonomy: EscoTaxonomy) -> None:
    skill = small_taxonomy.skill("16c2b3fb-3a41-4b0e-bb35-06e659917b02")
    assert skill.preferred_label == ""
    assert skill.labels == ()
    assert skill.broader == (SKILL + "07f47dea-587c-40c0-990a-6c092cc3e6a4",)


def test_reads_skill_type_and_reuse_level(small_taxonomy: EscoTaxonomy) -> None:
    python = small_taxonomy.skill(PYTHON)
    assert (python.skill_type, python.reuse_level) == ("knowledge", "sector-specific")
    unknown = small_taxonomy.skill("f5369f2f-e52b-43d8-8d31-79a6c11188d8")
    assert (unknown.skill_type, unknown.reuse_level) == ("", "")


def test_skips_rows_without_uri_with_a_warning(
    esco_small_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ontology.esco_csv"):
        taxonomy = load_esco_csv(esco_small_dir)
    assert "skipped 1 row(s) with an empty conceptUri in skills_en.csv" in caplog.text
    assert "skipped 1 row(s) with an empty conceptUri in occupations_en.csv" in caplog.text
    assert not taxonomy.find_skills_by_label("orphan skill without a URI")
    assert "" not in taxonomy.skills


def test_reads_broader_relations_of_every_kind(small_taxonomy: EscoTaxonomy) -> None:
    assert small_taxonomy.skill(PYTHON).broader == (ISCED + "0613", COMPUTER_PROGRAMMING)
    supervising = small_taxonomy.skill_group(SKILL + "aab9f44d-fe0e-46d8-a470-11ce82a64846")
    assert supervising.broader == (SKILL + "7a00c77c-4a1c-4fd6-a83f-004bda65d81a",)
    devops = small_taxonomy.occupation("cc867bee-ab5c-427f-9244-f7a204d9574b")
    assert devops.broader == (ISCO + "C2512", OCCUPATION + "349ee6f6-c295-4c38-9b98-48765b55280e")
    assert small_taxonomy.isco_groups[ISCO + "C2512"].broader == (ISCO + "C251",)
    assert small_taxonomy.isco_groups[ISCO + "C2"].broader == ()


def test_reads_codes(small_taxonomy: EscoTaxonomy) -> None:
    developer = small_taxonomy.occupation(SOFTWARE_DEVELOPER)
    assert (developer.isco_code, developer.code) == ("2512", "2512.4")
    assert small_taxonomy.skill_group(SKILL + "aab9f44d-fe0e-46d8-a470-11ce82a64846").code == (
        "S4.8.1"
    )
    assert small_taxonomy.skill_group(ISCED + "0613").code == "0613"
    isco = small_taxonomy.isco_groups[ISCO + "C2512"]
    assert (isco.code, isco.preferred_label) == ("2512", "Software developers")


def test_reads_occupation_skills_in_file_order_without_repeats(
    small_taxonomy: EscoTaxonomy,
) -> None:
    developer = small_taxonomy.occupation(SOFTWARE_DEVELOPER)
    assert developer.essential_skills == (
        COMPUTER_PROGRAMMING,
        SKILL + "6014921e-1d25-4039-adc2-04852d61880e",
        SKILL + "797a4416-0b8d-44f3-8fcd-eb10bd0be6b4",
        SKILL + "2522a6ce-3202-4ac8-9f5b-b9cb5a3a83a1",
    )
    # Python is listed twice in the file (the last row repeats it).
    assert developer.optional_skills.count(PYTHON) == 1
    assert developer.optional_skills[-1] == PYTHON
    assert len(developer.optional_skills) == 6
    # Relations are joined by URI, so padded labels in the relation file do not matter.
    director = small_taxonomy.occupation("13d8b1be-d711-4bbc-a45e-cad605162f41")
    assert director.essential_skills == (SKILL + "0005c151-5b5a-4a66-8aac-60e734beb1ab",)


def test_reads_skill_skill_relations(small_taxonomy: EscoTaxonomy) -> None:
    scripting = small_taxonomy.skill("5ef0c719-5bcb-49f8-b8eb-824388225333")
    assert scripting.optional_skills == (
        COMPUTER_PROGRAMMING,
        SKILL + "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7",
        PYTHON,
    )
    assert scripting.essential_skills == ()


def test_reads_group_levels_from_the_skills_hierarchy(small_taxonomy: EscoTaxonomy) -> None:
    levels = small_taxonomy.group_levels
    knowledge = SKILL + "c46fcb45-5c14-4ffa-abed-5a43f104bb22"
    assert [levels[u] for u in (knowledge, ISCED + "06", ISCED + "061", ISCED + "0613")] == [
        0,
        1,
        2,
        3,
    ]
    assert levels[SKILL + "aab9f44d-fe0e-46d8-a470-11ce82a64846"] == 3  # S4.8.1


def test_addresses_columns_by_header_name(export_copy: Path) -> None:
    path = export_copy / "skills_en.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    reordered = [list(reversed(row)) for row in rows]
    # A byte-order mark, as some exports have, must not break the first header name either.
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(reordered)
    taxonomy = load_esco_csv(export_copy, version="v1.2.0")
    python = taxonomy.skill(PYTHON)
    assert python.preferred_label == "Python (computer programming)"
    assert python.alt_labels == ("Python 3K", "Python")
    assert python.skill_type == "knowledge"


def test_missing_required_file_is_an_error(export_copy: Path) -> None:
    (export_copy / "occupations_en.csv").unlink()
    with pytest.raises(EscoFormatError, match=r"occupations_en\.csv") as error:
        load_esco_csv(export_copy, version="v1.2.0")
    assert str(export_copy) in str(error.value)

    (export_copy / "skills_en.csv").unlink()
    with pytest.raises(EscoFormatError, match=r"required file skills_en\.csv is missing"):
        load_esco_csv(export_copy, version="v1.2.0", language="en")


def test_missing_required_column_is_an_error(export_copy: Path) -> None:
    (export_copy / "skills_en.csv").write_text(
        "conceptType,conceptUri,altLabels\nKnowledgeSkillCompetence,http://x/1,a\n",
        encoding="utf-8",
    )
    with pytest.raises(EscoFormatError, match="preferredLabel"):
        load_esco_csv(export_copy, version="v1.2.0")


def test_missing_optional_files_warn_and_leave_data_empty(
    export_copy: Path, caplog: pytest.LogCaptureFixture, small_taxonomy: EscoTaxonomy
) -> None:
    (export_copy / "skillSkillRelations_en.csv").unlink()
    (export_copy / "skillsHierarchy_en.csv").unlink()
    with caplog.at_level(logging.WARNING, logger="ontology.esco_csv"):
        taxonomy = load_esco_csv(export_copy, version="v1.2.0")
    assert "skillSkillRelations_en.csv is missing" in caplog.text
    assert "skillsHierarchy_en.csv is missing" in caplog.text
    assert taxonomy.stats()["skill_skill_relations"] == 0
    # Without the hierarchy file, levels come from the broader chain and agree with it.
    assert dict(taxonomy.group_levels) == dict(small_taxonomy.group_levels)


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EscoFormatError, match="not found"):
        load_esco_csv(tmp_path / "v1.2.0" / "absent")


def test_infers_language_from_the_skills_file(export_copy: Path) -> None:
    assert infer_language(export_copy) == "en"
    # Side files such as the shared data's provenance table are not a second language.
    (export_copy / "skills_en_provenance.csv").write_text("conceptUri\n", encoding="utf-8")
    assert infer_language(export_copy) == "en"
    (export_copy / "skills_fr.csv").write_text("conceptUri\n", encoding="utf-8")
    with pytest.raises(EscoFormatError, match=r"several languages \(en, fr\)"):
        load_esco_csv(export_copy, version="v1.2.0")
    assert load_esco_csv(export_copy, version="v1.2.0", language="en").release.language == "en"


def test_language_cannot_be_inferred_without_skills_file(tmp_path: Path) -> None:
    with pytest.raises(EscoFormatError, match=r"no skills_<lang>\.csv"):
        infer_language(tmp_path)


def test_infers_version_from_the_path(esco_small_dir: Path, export_copy: Path) -> None:
    assert load_esco_csv(esco_small_dir).release.version == "v1.2.0"
    with pytest.raises(EscoFormatError, match="pass version="):
        load_esco_csv(export_copy)
    assert load_esco_csv(export_copy, version="1.2.0").release.version == "v1.2.0"


@pytest.mark.parametrize(
    ("path", "version"),
    [
        ("/data/esco/v1.2.0", "v1.2.0"),
        ("/data/ESCO_1.1.1/csv", "v1.1.1"),
        ("/data/esco-v1.2/csv", "v1.2"),
        ("/data/v1.0.9/esco-v1.2.0", "v1.2.0"),  # the deepest component wins
    ],
)
def test_version_patterns(path: str, version: str) -> None:
    assert infer_version(path) == version


def test_version_ignores_tool_versions_in_paths() -> None:
    with pytest.raises(EscoFormatError, match="cannot infer the ESCO version"):
        infer_version("/opt/python3.11/site-packages/esco")
