"""The services' settings: the core's layers plus the api, rdf and store sections."""

import dataclasses
import importlib.metadata
import re
import typing
from pathlib import Path

import pytest

from services.settings import (
    ApiSettings,
    ServiceSettings,
    StoreSettings,
    load_service_settings,
)
from skillgraph.config import SECTIONS_ELSEWHERE, ConfigError, Settings, load_settings


def test_the_service_sections_come_from_every_layer(tmp_path: Path):
    path = tmp_path / "skillgraph.toml"
    path.write_text('[api]\nport = 9000\nhost = "0.0.0.0"\n[rdf]\ndataset = "jobs"\n')
    settings = load_service_settings(
        path, {"api.port": 9002}, environ={"SKILLGRAPH_API__PORT": "9001"}
    )
    assert settings.api.port == 9002  # flag over environment over file
    assert settings.api.host == "0.0.0.0"
    assert settings.rdf.dataset == "jobs"
    assert settings.store == StoreSettings()
    # The core sections load as they do for the core.
    assert settings.encoder == load_settings(path, environ={}).encoder


def test_the_service_settings_refuse_what_they_do_not_know(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"unknown setting 'api\.prot'"):
        load_service_settings(overrides={"api.prot": 1}, environ={})
    with pytest.raises(ConfigError, match=r"'api\.port' must be int"):
        load_service_settings(environ={"SKILLGRAPH_API__PORT": "eighty"})


def test_each_registered_section_is_a_service_section_of_its_type():
    entries = importlib.metadata.entry_points(group=SECTIONS_ELSEWHERE)
    extra = {f.name for f in dataclasses.fields(ServiceSettings)} - {
        f.name for f in dataclasses.fields(Settings)
    }
    assert {entry.name for entry in entries} == extra == {"api", "rdf", "store"}
    hints = typing.get_type_hints(ServiceSettings)
    for entry in entries:
        assert entry.load() is hints[entry.name]


def test_core_settings_extended_keep_their_values_and_get_service_defaults():
    core = load_settings(overrides={"index.kind": "exact"}, environ={})
    settings = ServiceSettings.extending(core)
    assert settings.index.kind == "exact" and settings.api == ApiSettings()
    assert ServiceSettings.extending(settings) is settings
    # replace keeps the schema.
    assert settings.replace({"api.port": 1}).api.port == 1


STORE_CHOICES = {"store.layout", "store.protocol", "store.auth"}


@pytest.mark.parametrize("key", sorted(STORE_CHOICES))
@pytest.mark.parametrize("layer", ["file", "environment", "overrides"])
def test_a_store_choice_refuses_other_values_when_loaded(layer, key, tmp_path):
    section, name = key.split(".")
    hint = typing.get_type_hints(StoreSettings)[name]
    assert typing.get_origin(hint) is typing.Literal
    choices = typing.get_args(hint)

    def load(value: str) -> ServiceSettings:
        if layer == "file":
            path = tmp_path / "skillgraph.toml"
            path.write_text(f'[{section}]\n{name} = "{value}"\n')
            return load_service_settings(path, environ={})
        if layer == "environment":
            return load_service_settings(environ={f"SKILLGRAPH_STORE__{name.upper()}": value})
        return load_service_settings(overrides={key: value}, environ={})

    message = f"setting '{key}' must be one of {', '.join(choices)}; got 'bogus'"
    with pytest.raises(ConfigError, match=re.escape(message)):
        load("bogus")
    for choice in choices:
        assert getattr(load(choice).store, name) == choice
