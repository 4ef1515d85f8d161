import dataclasses
import re
import typing
from pathlib import Path

import pytest

from skillgraph.config import ConfigError, Settings, load_settings, sections_elsewhere
from skillgraph.profiles import PROFILES


def test_defaults_without_file_or_environment():
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.encoder.backend == "onnx"
    assert settings.data_dir.name == "skillgraph"


def test_precedence_file_then_environment_then_overrides(tmp_path: Path):
    config = tmp_path / "skillgraph.toml"
    config.write_text(
        'data_dir = "/srv/from-file"\n[encoder]\nbackend = "torch"\nbatch_size = 8\n'
        '[index]\nkind = "hnsw"\n'
    )
    environ = {"SKILLGRAPH_DATA_DIR": "/srv/from-env", "SKILLGRAPH_INDEX__KIND": "ivf"}
    settings = load_settings(config, {"index.kind": "exact"}, environ=environ)
    assert settings.encoder.backend == "torch"  # file
    assert settings.encoder.batch_size == 8  # file, coerced to int
    assert settings.data_dir == Path("/srv/from-env")  # environment beats file
    assert settings.index.kind == "exact"  # override beats environment


def test_config_file_from_environment(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text("[extraction]\nmin_score = 0.5\n")
    settings = load_settings(environ={"SKILLGRAPH_CONFIG": str(config)})
    assert settings.extraction.min_score == 0.5


def test_environment_values_are_coerced():
    settings = load_settings(
        environ={"SKILLGRAPH_ENCODER__BATCH_SIZE": "9", "SKILLGRAPH_EXTRACTION__MIN_SCORE": "0.7"}
    )
    assert settings.encoder.batch_size == 9
    assert settings.extraction.min_score == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"encoder.bakend": "torch"}, "unknown setting 'encoder.bakend'"),
        ({"encoder.batch_size": "eight"}, "'encoder.batch_size' must be int"),
        ({"encoder": "torch"}, "'encoder' is a section"),
        ({"a.b.c": 1}, "too many parts"),
        ({"procedure.skill_threshold": 8}, "'procedure.skill_threshold' must be between 0 and 1"),
        ({"spans.threshold": "nan"}, "'spans.threshold' must be between 0 and 1"),
        ({"extraction.min_score": -1.5}, "'extraction.min_score' must be between -1 and 1"),
        ({"extraction.top_k": 0}, "'extraction.top_k' must be at least 1"),
        ({"encoder.threads": -2}, "'encoder.threads' must be at least 0"),
    ],
)
def test_bad_settings_name_the_problem(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(overrides=overrides, environ={})


def test_the_ends_of_a_range_are_allowed():
    settings = load_settings(
        overrides={"procedure.skill_threshold": 1, "spans.threshold": 0, "encoder.threads": 0},
        environ={"SKILLGRAPH_EXTRACTION__MIN_SCORE": "-1"},
    )
    assert settings.procedure.skill_threshold == 1.0 and settings.spans.threshold == 0.0
    assert settings.extraction.min_score == -1.0 and settings.encoder.threads == 0


def test_missing_and_invalid_config_files(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml", environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[encoder\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken, environ={})


def test_none_overrides_leave_values_alone():
    settings = load_settings(overrides={"encoder.batch_size": None}, environ={})
    assert settings.encoder.batch_size == Settings().encoder.batch_size


def test_the_core_leaves_the_service_sections_in_a_shared_file_and_environment(tmp_path: Path):
    # A notebook reads the server's file and runs in its container's environment.
    assert {"api", "rdf", "store"} <= set(sections_elsewhere())
    path = tmp_path / "skillgraph.toml"
    path.write_text('[api]\nport = 9000\n[store]\nurl = "http://127.0.0.1:7878"\n')
    settings = load_settings(path, environ={"SKILLGRAPH_API__PORT": "9001"})
    assert settings == Settings()
    assert not hasattr(settings, "api")


def test_a_section_nobody_defines_is_still_refused_in_a_file(tmp_path: Path):
    path = tmp_path / "skillgraph.toml"
    path.write_text("[encodr]\nbackend = 'torch'\n")
    with pytest.raises(ConfigError, match="unknown setting 'encodr'"):
        load_settings(path, environ={})


def test_a_service_setting_given_to_the_core_directly_is_refused_naming_its_owner():
    with pytest.raises(ConfigError, match=r"unknown setting 'api' here .*services\.settings"):
        load_settings(overrides={"api.port": 9000}, environ={})
    with pytest.raises(ConfigError, match="unknown setting 'store'"):
        Settings().replace({"store.url": "http://127.0.0.1:7878"})


def test_the_default_profile_is_fast_and_changes_nothing():
    settings = load_settings(environ={})
    assert settings.profile == "fast"
    assert settings == Settings()


def test_a_profile_is_chosen_by_flag_environment_or_file(tmp_path: Path):
    accurate = PROFILES["accurate"].settings
    assert accurate  # a profile that changed nothing would make this test pass vacuously
    path = tmp_path / "skillgraph.toml"
    path.write_text('profile = "accurate"\n')
    for settings in (
        load_settings(overrides={"profile": "accurate"}, environ={}),
        load_settings(environ={"SKILLGRAPH_PROFILE": "Accurate"}),
        load_settings(path, environ={}),
    ):
        assert settings.profile == "accurate"
        for key, value in accurate.items():
            section, name = key.split(".")
            assert getattr(getattr(settings, section), name) == value
    assert Settings().replace({"profile": "accurate"}) == load_settings(
        overrides={"profile": "accurate"}, environ={}
    )


def test_every_layer_above_a_profile_still_wins(tmp_path: Path):
    path = tmp_path / "skillgraph.toml"
    path.write_text('profile = "accurate"\n[spans]\nprecision = "int8"\n')
    settings = load_settings(path, environ={"SKILLGRAPH_SPANS__CALIBRATION": "mine.json"})
    assert settings.profile == "accurate"
    assert settings.spans.precision == "int8"  # the file over the profile
    assert settings.spans.calibration == "mine.json"  # the environment over the profile
    assert settings.spans.tagger == PROFILES["accurate"].settings["spans.tagger"]
    # The highest layer naming a profile chooses it.
    flagged = load_settings(path, {"profile": "fast"}, environ={"SKILLGRAPH_PROFILE": "accurate"})
    assert flagged.profile == "fast" and flagged.spans.tagger == Settings().spans.tagger
    assert flagged.spans.precision == "int8"


@pytest.mark.parametrize(
    "layer",
    [{"overrides": {"profile": "turbo"}}, {"environ": {"SKILLGRAPH_PROFILE": "turbo"}}],
)
def test_an_unknown_profile_names_the_known_ones(layer):
    with pytest.raises(ConfigError, match="unknown profile 'turbo'; choose one of fast, accurate"):
        load_settings(**{"environ": {}, **layer})


def choice_settings(schema: type[Settings]) -> list[tuple[str, tuple[str, ...]]]:
    """Every ``Literal`` setting as (dotted key, choices), found from the dataclasses' hints."""
    found = []
    for section in dataclasses.fields(schema):
        kind = typing.get_type_hints(schema)[section.name]
        if not dataclasses.is_dataclass(kind):
            continue
        for name, hint in typing.get_type_hints(kind).items():
            if typing.get_origin(hint) is typing.Literal:
                found.append((f"{section.name}.{name}", typing.get_args(hint)))
    return found


CHOICES = choice_settings(Settings)


def test_the_choice_settings_are_literals():
    keys = {key for key, _ in CHOICES}
    assert {
        "encoder.backend",
        "encoder.precision",
        "index.kind",
        "spans.precision",
        "spans.decoding",
    } <= keys


def _load_with(layer: str, key: str, value: str, tmp_path: Path) -> Settings:
    section, name = key.split(".")
    if layer == "file":
        path = tmp_path / "skillgraph.toml"
        path.write_text(f'[{section}]\n{name} = "{value}"\n')
        return load_settings(path, environ={})
    if layer == "environment":
        return load_settings(environ={f"SKILLGRAPH_{section.upper()}__{name.upper()}": value})
    return load_settings(overrides={key: value}, environ={})


@pytest.mark.parametrize("layer", ["file", "environment", "overrides"])
@pytest.mark.parametrize(("key", "choices"), CHOICES, ids=[key for key, _ in CHOICES])
def test_a_choice_setting_refuses_other_values_when_loaded(layer, key, choices, tmp_path):
    listed = ", ".join(choices)
    message = f"setting '{key}' must be one of {listed}; got 'bogus'"
    with pytest.raises(ConfigError, match=re.escape(message)):
        _load_with(layer, key, "bogus", tmp_path)
    for choice in choices:
        section, name = key.split(".")
        assert getattr(getattr(_load_with(layer, key, choice, tmp_path), section), name) == choice


def test_a_choice_setting_refuses_a_value_of_another_type(tmp_path):
    path = tmp_path / "skillgraph.toml"
    path.write_text("[index]\nkind = 3\n")
    with pytest.raises(ConfigError, match=r"'index.kind' must be one of fast, exact, hnsw, ivf"):
        load_settings(path, environ={})


def test_the_choices_are_what_the_code_accepts():
    from skillgraph.encoders import BACKENDS
    from skillgraph.encoders.onnx_files import PRECISIONS
    from skillgraph.index_kinds import INDEX_KINDS
    from skillgraph.spans.decoding import DECODINGS

    choices = dict(CHOICES)
    assert set(choices["encoder.backend"]) == set(BACKENDS)
    assert set(choices["encoder.precision"]) == set(PRECISIONS)
    assert set(choices["spans.precision"]) == set(PRECISIONS)
    assert set(choices["index.kind"]) == set(INDEX_KINDS)
    assert set(choices["spans.decoding"]) == set(DECODINGS)


def test_every_profile_value_is_a_valid_choice():
    for profile in PROFILES:
        load_settings(overrides={"profile": profile}, environ={})  # raises on a bad preset
