"""SkillGraph core: job text -> sentences -> candidate skills -> ranked ESCO skills.

>>> graph = SkillGraph.load(load_settings())
>>> graph.extractor.extract("Experience with Python and PostgreSQL.", top_k=5)
"""

from skillgraph.config import ConfigError, Settings, load_settings
from skillgraph.encoders import Encoder, EncoderError, load_encoder
from skillgraph.errors import InputError, SkillgraphError, TextTooLongError
from skillgraph.extractor import Selection, SkillExtractor
from skillgraph.index import IndexBuildError, SkillIndex, TextKind, load_or_build_index
from skillgraph.memory import ExampleMemory, LabelledExample, MemoryRetriever
from skillgraph.records import Evidence, SkillMatch
from skillgraph.retrieval import Candidate, SkillRetriever
from skillgraph.runtime import SkillGraph, load_taxonomy
from skillgraph.segmentation import Segmenter, Sentence

__all__ = [
    "Candidate",
    "ConfigError",
    "Encoder",
    "EncoderError",
    "Evidence",
    "ExampleMemory",
    "IndexBuildError",
    "InputError",
    "LabelledExample",
    "MemoryRetriever",
    "Segmenter",
    "Selection",
    "Sentence",
    "Settings",
    "SkillExtractor",
    "SkillGraph",
    "SkillIndex",
    "SkillMatch",
    "SkillRetriever",
    "SkillgraphError",
    "TextKind",
    "TextTooLongError",
    "load_encoder",
    "load_or_build_index",
    "load_settings",
    "load_taxonomy",
]
