"""SkillGraph core: job text -> sentences -> candidate skills -> ranked ESCO skills.

>>> import skillgraph
>>> sg = skillgraph.load()
>>> sg.extract("Experience with Python and PostgreSQL.").skills
>>> skillgraph.extract_frame(df, text_column="text")   # pandas extra

:func:`load` gives a :class:`Pipeline`; :class:`SkillGraph` is the runtime it wraps.
"""

from skillgraph.config import ConfigError, Settings, load_settings
from skillgraph.encoders import Encoder, EncoderError, load_encoder
from skillgraph.errors import InputError, SkillgraphError, TextTooLongError
from skillgraph.extractor import SkillExtractor
from skillgraph.frames import extract_frame
from skillgraph.index import IndexBuildError, SkillIndex, TextKind, load_or_build_index
from skillgraph.library import ExtractResult, Pipeline, SpansResult, load
from skillgraph.memory import ExampleMemory, LabelledExample, MemoryRetriever
from skillgraph.modes import Extraction, Mode, Ranking, Threshold
from skillgraph.records import Evidence, ModelStamp, SkillMatch
from skillgraph.retrieval import Candidate, Retriever, SkillRetriever
from skillgraph.runtime import SkillGraph, load_taxonomy
from skillgraph.segmentation import Segmenter, Sentence

__all__ = [
    "Candidate",
    "ConfigError",
    "Encoder",
    "EncoderError",
    "Evidence",
    "ExampleMemory",
    "ExtractResult",
    "Extraction",
    "IndexBuildError",
    "InputError",
    "LabelledExample",
    "MemoryRetriever",
    "Mode",
    "ModelStamp",
    "Pipeline",
    "Ranking",
    "Retriever",
    "Segmenter",
    "Sentence",
    "Settings",
    "SkillExtractor",
    "SkillGraph",
    "SkillIndex",
    "SkillMatch",
    "SkillRetriever",
    "SkillgraphError",
    "SpansResult",
    "TextKind",
    "TextTooLongError",
    "Threshold",
    "extract_frame",
    "load",
    "load_encoder",
    "load_or_build_index",
    "load_settings",
    "load_taxonomy",
]
