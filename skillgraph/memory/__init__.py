"""The example memory: annotated examples that steer extraction at run time, without retraining.

After NNOSE (Zhang et al., EACL 2024): a datastore of texts labelled with ESCO skills, searched
by vector for each sentence; its nearest examples vote for their skills and the votes are
interpolated with the index's scores (:mod:`skillgraph.memory.augmentation`). Examples come from
files (``skillgraph memory add``), a shipped seed, or users at run time (``POST /v1/examples``).

>>> memory = ExampleMemory.open(settings, taxonomy, encoder)
>>> memory.add([LabelledExample("You will weld pipes.", skills=(WELDING_URI,))])
"""

from skillgraph.errors import (
    ExampleBatchError,
    ExampleError,
    ExampleNotFoundError,
    MemoryUnavailableError,
    UnknownSkillError,
)
from skillgraph.memory.augmentation import (
    MemoryRetriever,
    SkillSupport,
    memory_score,
    skill_support,
)
from skillgraph.memory.datastore import DatastoreError, ExampleStore, Generation
from skillgraph.memory.examples import AddedExample, LabelledExample, StoredExample, text_key
from skillgraph.memory.memory import ExampleMemory, memory_path, seed_names, seed_path
from skillgraph.memory.neighbours import Neighbour, NeighbourIndex
from skillgraph.memory.sources import (
    FORMATS,
    LEVELS,
    SourceFormatError,
    SourceRow,
    detect_format,
    read_source,
    skill_for_label,
)

__all__ = [
    "FORMATS",
    "LEVELS",
    "AddedExample",
    "DatastoreError",
    "ExampleBatchError",
    "ExampleError",
    "ExampleMemory",
    "ExampleNotFoundError",
    "ExampleStore",
    "Generation",
    "LabelledExample",
    "MemoryRetriever",
    "MemoryUnavailableError",
    "Neighbour",
    "NeighbourIndex",
    "SkillSupport",
    "SourceFormatError",
    "SourceRow",
    "StoredExample",
    "UnknownSkillError",
    "detect_format",
    "memory_path",
    "memory_score",
    "read_source",
    "seed_names",
    "seed_path",
    "skill_for_label",
    "skill_support",
    "text_key",
]
