"""SkillGraph core: job text -> sentences -> candidate skills -> ranked ESCO skills.

>>> graph = SkillGraph.load(load_settings())
>>> graph.extractor.extract("Experience with Python and PostgreSQL.", Ranking(5))
"""

from skillgraph.config import ConfigError, Settings, load_settings
from skillgraph.encoders import Encoder, EncoderError, load_encoder
from skillgraph.errors import InputError, SkillgraphError, TextTooLongError
from skillgraph.extractor import SkillExtractor
from skillgraph.index import IndexBuildError, SkillIndex, TextKind, load_or_build_index
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
    "Extraction",
    "IndexBuildError",
    "InputError",
    "LabelledExample",
    "MemoryRetriever",
    "Mode",
    "ModelStamp",
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
    "TextKind",
    "TextTooLongError",
    "Threshold",
    "load_encoder",
    "load_or_build_index",
    "load_settings",
    "load_taxonomy",
]
