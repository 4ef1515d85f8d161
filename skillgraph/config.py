"""Settings in one place: defaults < profile < TOML file < environment < explicit overrides
(CLI flags).

A profile (``skillgraph.profiles``: ``fast``, the default, or ``accurate``) is a named preset
just above the defaults; the highest layer that names one chooses it. A file looks like::

    profile = "accurate"
    data_dir = "/srv/skillgraph"

    [encoder]
    backend = "torch"

    [index]
    kind = "hnsw"

Environment variables: ``SKILLGRAPH_PROFILE`` for the profile, ``SKILLGRAPH_DATA_DIR`` for the
data directory, ``SKILLGRAPH_CONFIG`` for the file, and ``SKILLGRAPH_<SECTION>__<KEY>`` for any
other value (``SKILLGRAPH_ENCODER__BACKEND=torch``).
Overrides use dotted keys (``{"encoder.backend": "torch"}``).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import logging
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from ontology import DEFAULT_SNAPSHOT
from skillgraph.errors import ConfigError
from skillgraph.profiles import DEFAULT_PROFILE, profile_named

ENV_PREFIX = "SKILLGRAPH_"
# Sections other packages define (services.settings: api, rdf, store), one entry point each.
SECTIONS_ELSEWHERE = "skillgraph.settings"

log = logging.getLogger(__name__)

# Settings with fixed choices: a value outside them is refused when settings load, naming them.
# (The code that uses each keeps its own check, for settings objects built without loading.)
EncoderBackend = Literal["onnx", "torch"]  # skillgraph.encoders.BACKENDS
OnnxPrecision = Literal["fp32", "int8"]  # skillgraph.encoders.onnx_files.PRECISIONS
IndexKindName = Literal["fast", "exact", "hnsw", "ivf"]  # skillgraph.index_kinds.INDEX_KINDS
SpanDecoding = Literal["viterbi", "argmax"]  # skillgraph.spans.decoding.DECODINGS
StepLinking = Literal["extraction", "ranking"]  # skillgraph.procedure.step_skills.Method


@dataclass(frozen=True)
class Bounds:
    """Inclusive bounds of a number setting, checked when settings load, as choices are."""

    low: float | None = None
    high: float | None = None

    def __str__(self) -> str:
        if self.high is None:
            return f"at least {self.low:g}"
        if self.low is None:
            return f"at most {self.high:g}"
        return f"between {self.low:g} and {self.high:g}"


# Numbers with a range: a value outside it is refused when settings load, naming the range.
Probability = Annotated[float, Bounds(0.0, 1.0)]
Cosine = Annotated[float, Bounds(-1.0, 1.0)]
Weight = Annotated[float, Bounds(0.0)]
Count = Annotated[int, Bounds(1)]
Size = Annotated[int, Bounds(0)]  # 0 has a meaning of its own (off, or one per core)


def default_data_dir() -> Path:
    """Per-user data directory (XDG): index caches, imported snapshots, exported models."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "skillgraph"


@dataclass(frozen=True)
class EscoSettings:
    # A snapshot name (shipped with the package or imported into the data dir) or a file path.
    snapshot: str = DEFAULT_SNAPSHOT


@dataclass(frozen=True)
class EncoderSettings:
    backend: EncoderBackend = "onnx"
    model: str = "skillgraph-minilm-esco"  # a registered or shipped model name, or a directory
    # ONNX only: "fp32" or "int8". int8 is ~1.7x faster; its vectors are ~0.997 cosine to
    # fp32's, the same in any batch (skillgraph/encoders/quantization.py).
    precision: OnnxPrecision = "fp32"
    # 16: ranking mode 1.13x faster than at 64 on an Intel Xeon, the same bytes (2026-12-08).
    batch_size: Count = 16
    threads: Size = 0  # 0: one per core


@dataclass(frozen=True)
class IndexSettings:
    # "fast", "exact", "hnsw" or "ivf" (skillgraph/index_kinds.py). fast: ~4x faster than
    # exact, the same RP@5/RP@10/MRR on every benchmark set (docs/benchmarks.md, "Index").
    kind: IndexKindName = "fast"
    pq_subquantizers: Count = 128  # fast: 4-bit codes per label vector (of 384 dimensions)
    refine_factor: Weight = 2.0  # fast: rows re-scored exactly, per row asked for
    hnsw_m: Count = 32
    hnsw_ef_search: Count = 128
    ivf_lists: Count = 512
    ivf_probe: Count = 32


@dataclass(frozen=True)
class ExtractionSettings:
    # Extraction mode (no top_k, no min_score): skills scoring at least min_score, at most
    # max_skills per text. min_score was chosen on the validation sets for the default encoder
    # (docs/benchmarks.md, "Extraction threshold").
    min_score: Cosine = 0.61
    max_skills: Count = 30
    # Ranking mode default, and the cap when only min_score is given.
    top_k: Count = 10
    # A description row counts this much of its cosine (0 leaves descriptions out of scoring).
    description_weight: Weight = 0.0
    # A sentence's phrases are queried too; their cosines count this much (0: sentences only).
    # 0.7 is the middle of the plateau (0.6-0.8) on HOUSE+TECH validation for the default encoder.
    phrase_weight: Weight = 0.7
    # Ranking and threshold modes: each sentence's best skills re-ordered by a fitted model
    # (skillgraph/reranking.py): a shipped re-ranker's name or a JSON file; "" keeps the
    # cosine order. The shipped one fits the default encoder only (others fall back to "").
    reranker: str = "skillgraph-minilm-esco"
    max_text_chars: Count = 100_000
    max_sentence_chars: Count = 2_000
    # Sentences whose results are kept (per mode), so repeated ones (boilerplate) cost once;
    # 0 turns the cache off (and with it the deduplication of repeats within a batch).
    cache_size: Size = 20_000


@dataclass(frozen=True)
class SpanSettings:
    # The default extraction mode (no top_k, no min_score): skill spans, linked to ESCO and
    # accepted by a calibrated model (docs/benchmarks.md, "extraction"). The span model is a
    # head on the encoder (one pass per sentence, skillgraph/reader); an empty model falls back
    # to the cosine threshold extraction.min_score.
    model: str = "skillgraph-minilm-esco-spans"  # a shipped span head or a head directory
    precision: OnnxPrecision = "int8"  # the reader's compute: "int8" (static) or "fp32"
    decoding: SpanDecoding = "viterbi"  # BIO tags to spans: "viterbi" (valid sequences only)
    # A stand-alone span tagger (skillgraph/spans/taggers.py) whose BIO probabilities replace
    # the head's: a second pass per sentence, better spans (the accurate profile). "": the head.
    tagger: str = ""
    # With a tagger: its share of the BIO probabilities, the rest the head's (with its
    # datastore). Mixing two taggers' errors beats either alone (docs/benchmarks.md, "Profiles").
    tagger_weight: Probability = 1.0
    # NNOSE's nearest neighbours (skillgraph/spans/datastore.py): each word's probabilities
    # mixed with the labels of the span sets' training words nearest to it, from the datastore
    # beside the head; this weight is their share (0: off). With a stand-alone tagger, only in
    # the head's share (spans.tagger_weight below 1). Off by default: with the head distilled
    # from the accurate tagger, 0.4 no longer helped on the dev splits (docs/benchmarks.md).
    neighbours_weight: Probability = 0.0
    neighbours: Annotated[int, Bounds(1, 1024)] = 32  # stored words per word
    neighbours_temperature: Annotated[float, Bounds(0.001)] = 0.03  # of the softmax on cosines
    neighbours_probes: Annotated[int, Bounds(1, 1024)] = 8  # IVF lists searched (16, 64: same F1)
    # Words whose best label is below this are looked up; a best label is never below 1/3.
    neighbours_below: Annotated[float, Bounds(0.34, 1.0)] = 0.7
    # A calibration JSON's path, or a bare file name: one beside the span model (a profile's);
    # "" for the span model's own calibration.json.
    calibration: str = ""
    threshold: Probability = 0.0  # accept at this probability; 0: the calibration's own (F1-chosen)
    candidates_per_span: Count = 3
    candidates_per_sentence: Count = 3  # sentences with no span
    # A sentence with spans may imply more: its own best candidates are proposed too.
    candidates_per_span_sentence: Size = 2
    threads: Size = 0  # 0: one per core


@dataclass(frozen=True)
class OccupationSettings:
    # A title's best occupation must reach this score, else "no confident match" (an empty
    # answer). Chosen on held-out ESCO labels and tuning non-titles (docs/benchmarks.md).
    min_score: Cosine = 0.7
    top_k: Count = 5
    # Later segments of a title ("Backend Engineer | Python") count at this share of the first.
    segment_weight: Weight = 0.9
    # When the ad's skills are known: weight x the share of them that are essential (optional:
    # half) for an occupation is added to its score. 0: titles alone.
    skill_weight: Weight = 0.1


@dataclass(frozen=True)
class ProcedureSettings:
    # Steps join one node when their action keys agree and their cosine reaches this.
    cluster_threshold: Cosine = 0.85
    # A node skipped by at least this share of sequences is optional.
    optional_skip_rate: Probability = 0.2
    # Two steps are interchangeable when the rarer order is seen at least this share as often
    # as the other, and at least min_support times.
    interchangeable_ratio: Probability = 0.5
    min_support: Count = 2
    # A successor taking at least this share of a node's transitions is a frequent one; a node
    # with two or more frequent successors branches.
    branch_share: Probability = 0.2
    # Steps get their skills as ads do, through the extraction core (spans and calibrated
    # probability; none when nothing passes), or "ranking": the ranking mode's top skills_per_step.
    skill_linking: StepLinking = "extraction"
    skills_per_step: Count = 3  # at most, with "extraction"
    # A step keeps a skill at this calibrated probability; 0: the extraction's own threshold.
    skill_threshold: Probability = 0.14
    # An event ("before installing pipework") names a step of the ad at this cosine.
    event_match_threshold: Cosine = 0.8
    # A prediction query's step names a graph node at this cosine (exact text always does).
    step_match_threshold: Cosine = 0.75
    max_steps_per_sequence: Count = 200


@dataclass(frozen=True)
class MemorySettings:
    # Annotated examples that steer extraction without retraining (docs/memory.md), stored in
    # <data_dir>/memory/<name>.sqlite3. An empty memory leaves results exactly as without one.
    enabled: bool = True
    name: str = "default"
    # The shipped seed added on first use ("" for none): SkillSkape train+dev, 7k labelled
    # job-ad sentences. On held-out sets it raised RP@5 by 1.4 (TECH test), 0.1 (TECHWOLF
    # test) and 1.2 (HOUSE test); posting-level F1 a tie (docs/benchmarks.md, "Profiles").
    seed: str = "skillskape"
    # Tuned on HOUSE+TECH validation (docs/benchmarks.md, "memory"): the k nearest examples at
    # cosine >= min_similarity vote through a softmax at this temperature; weight is lambda.
    k: Count = 4
    temperature: float = 0.05
    weight: Probability = 0.75
    min_similarity: Cosine = 0.5
    max_evidence: Size = 3  # supporting examples reported per skill
    max_batch: Count = 100  # examples per POST /v1/examples


@dataclass(frozen=True)
class Settings:
    profile: str = DEFAULT_PROFILE  # the preset these settings started from (skillgraph.profiles)
    data_dir: Path = field(default_factory=default_data_dir)
    esco: EscoSettings = field(default_factory=EscoSettings)
    encoder: EncoderSettings = field(default_factory=EncoderSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    spans: SpanSettings = field(default_factory=SpanSettings)
    occupations: OccupationSettings = field(default_factory=OccupationSettings)
    procedure: ProcedureSettings = field(default_factory=ProcedureSettings)
    memory: MemorySettings = field(default_factory=MemorySettings)

    def replace(self, overrides: Mapping[str, Any]) -> Self:
        """A copy with dotted-key overrides applied (``{"index.kind": "hnsw"}``).

        A new ``profile`` applies its preset first, under the other overrides given with it.
        """
        nested = _nest(overrides, source="overrides")
        if "profile" not in nested:
            return _apply(self, nested, source="overrides")
        settings = _with_profile(self, nested.pop("profile"), source="overrides")
        return _apply(settings, nested, source="overrides")


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    schema: type[Settings] = Settings,
) -> Settings:
    """Settings of ``schema`` (a subclass adds sections) from every layer.

    A section that another package defines (:data:`SECTIONS_ELSEWHERE`) and ``schema`` does not
    is skipped in the file and the environment, which programs share; in ``overrides`` it is
    refused like any unknown setting.
    """
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    path = config_file or environ.get(ENV_PREFIX + "CONFIG")
    from_file = _read_toml(Path(path)) if path else {}
    from_environ = _from_environ(environ)
    # The profile comes first, so that every layer above it can still change its values.
    layers = ((overrides, "overrides"), (from_environ, "environment"), (from_file, str(path)))
    chosen, source = next(
        ((layer["profile"], name) for layer, name in layers if "profile" in layer),
        (DEFAULT_PROFILE, "defaults"),
    )
    settings = _with_profile(schema(), chosen, source)
    if from_file:
        settings = _apply(settings, _own(from_file, schema, str(path)), source=str(path))
    settings = _apply(settings, _own(from_environ, schema, "environment"), source="environment")
    if overrides:
        settings = _apply(settings, _nest(overrides, source="overrides"), source="overrides")
    return dataclasses.replace(settings, profile=profile_named(chosen).name)  # as it is spelt


def _with_profile(settings: Settings, name: Any, source: str) -> Settings:
    if not isinstance(name, str):
        raise ConfigError(f"{source}: setting 'profile' must be str, got {name!r}")
    try:
        profile = profile_named(name)
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    preset = _nest(profile.settings, source=f"profile {profile.name!r}")
    return _apply(settings, {**preset, "profile": profile.name}, source=f"profile {profile.name}")


def _own(values: dict[str, Any], schema: type[Settings], source: str) -> dict[str, Any]:
    """``values`` without the sections that belong to another package's schema."""
    known = {f.name for f in dataclasses.fields(schema)}
    skipped = [key for key in values if key not in known and key in sections_elsewhere()]
    if skipped:
        log.debug("%s: sections %s are read by another schema", source, ", ".join(skipped))
    return {key: value for key, value in values.items() if key not in skipped}


@functools.cache
def sections_elsewhere() -> dict[str, str]:
    """Section name -> the module that defines it, as other packages register them (read from
    their metadata, without importing them)."""
    entries = importlib.metadata.entry_points(group=SECTIONS_ELSEWHERE)
    return {entry.name: entry.module for entry in entries}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        flat[name[len(ENV_PREFIX) :].lower().replace("__", ".")] = value
    return _nest(flat, source="environment")


def _nest(flat: Mapping[str, Any], source: str) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        if len(parts) > 2:
            raise ConfigError(f"{source}: setting {key!r} has too many parts")
        if len(parts) == 1:
            nested[parts[0]] = value
        else:
            nested.setdefault(parts[0], {})[parts[1]] = value
    return nested


def _apply(obj: Any, values: Mapping[str, Any], source: str, prefix: str = "") -> Any:
    hints = typing.get_type_hints(type(obj), include_extras=True)
    known = {f.name for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = prefix + key
        if key not in known:
            owner = sections_elsewhere().get(name)
            hint = f" here (it is a section of {owner}'s settings)" if owner else ""
            raise ConfigError(f"{source}: unknown setting {name!r}{hint}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{source}: {name!r} is a section, not a value")
            changes[key] = _apply(current, value, source, prefix=name + ".")
        else:
            changes[key] = _coerce(value, hints[key], name, source)
    return dataclasses.replace(obj, **changes)


def _coerce(value: Any, hint: Any, name: str, source: str) -> Any:
    if typing.get_origin(hint) is Annotated:
        hint, *extras = typing.get_args(hint)
        coerced = _coerce(value, hint, name, source)
        for bounds in (e for e in extras if isinstance(e, Bounds)):
            low = -float("inf") if bounds.low is None else bounds.low
            high = float("inf") if bounds.high is None else bounds.high
            if not low <= coerced <= high:  # NaN too
                raise ConfigError(f"{source}: setting {name!r} must be {bounds}, got {value!r}")
        return coerced
    if typing.get_origin(hint) is Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            listed = ", ".join(map(str, choices))
            raise ConfigError(f"{source}: setting {name!r} must be one of {listed}; got {value!r}")
        return value
    if isinstance(hint, types.UnionType):  # e.g. "float | None": coerce to the first concrete type
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    try:
        if hint is Path:
            return Path(value).expanduser()
        if hint is bool:
            if isinstance(value, str):
                if value.lower() in {"1", "true", "yes", "on"}:
                    return True
                if value.lower() in {"0", "false", "no", "off"}:
                    return False
                raise ValueError(value)
            return bool(value)
        if hint is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return hint(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{source}: setting {name!r} must be {getattr(hint, '__name__', hint)}, got {value!r}"
        ) from None
