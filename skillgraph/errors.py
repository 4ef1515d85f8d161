"""Every SkillGraph error, rooted at one :class:`SkillgraphError`.

Catch ``SkillgraphError`` to catch any error a user can act on (a bad input, setting, file or
model); the CLI shows each as one line, the API as a problem document. A class also subclasses
the built-in a caller may rely on (``ValueError``, ``KeyError``, ``LookupError``,
``RuntimeError``), given in brackets::

    SkillgraphError                        the root (defined in ontology.errors, the lowest layer)
    ├── EscoFormatError (ValueError)       ontology: an ESCO CSV export is unusable
    ├── SnapshotError (ValueError)         ontology: a taxonomy snapshot cannot be found or read
    ├── UnknownConceptError (KeyError)     ontology: a URI names no concept of that kind
    ├── ConfigError (ValueError)           a setting is unknown or has a bad value
    ├── InputError (ValueError)            an input text or request parameter is unusable
    │   ├── TextTooLongError               longer than extraction.max_text_chars
    │   ├── RecordTooLargeError            a record of a stream outgrew its budget
    │   ├── GraphFormatError               not a procedure graph this version can read
    │   └── ExampleError                   an example cannot be stored
    │       ├── UnknownSkillError          it names skills the ESCO release lacks
    │       └── ExampleBatchError          some examples of a batch are unusable
    ├── SourceFormatError (ValueError)     an examples file is in no known format
    ├── ExampleNotFoundError (LookupError) no stored example has this id
    ├── MemoryUnavailableError             the example memory is off or misconfigured
    ├── DatastoreError (RuntimeError)      the example datastore cannot be opened
    ├── EncoderError (RuntimeError)        an encoder cannot be created or used
    ├── GraphError (ValueError)            an ONNX graph is not the shape the reader needs
    ├── IndexBuildError (RuntimeError)     the index cannot be built, loaded or searched so
    ├── CalibrationError (ValueError)      a calibration file is missing or malformed
    ├── CalibrationMissingError            the extraction mode has no calibration
    ├── SpanModelError                     the span model is missing or does not fit
    ├── EnglishModelMissingError           spaCy's English model is not installed
    ├── RdfError                           RDF: exports, pushes, queries
    │   ├── RdfInputError (ValueError)     an input or option is unusable as a whole
    │   ├── StoreError                     services.rdf: a store refused or failed a request
    │   │   └── StoreUnavailableError      the store cannot be reached, or stays busy
    │   │       └── PushInterrupted        the store went away mid-push (checkpointed)
    │   └── QueryError                     a SPARQL query is malformed, not allowed, too big
    ├── BatchError                         services.batch: a run that cannot go on
    │   ├── BatchInputError (ValueError)   the input cannot be read at all
    │   ├── BatchOutputError (ValueError)  the output cannot be written
    │   ├── BatchResumeError (ValueError)  the run cannot be resumed
    │   └── BatchWorkerError (RuntimeError) a worker process died
    ├── TrainConfigError (ValueError)      training: the training configuration is invalid
    ├── SpanConfigError (ValueError)       training: the span training configuration is invalid
    ├── SpanDataError (ValueError)         training: a span file is malformed
    └── InterpolationError (ValueError)    training: two models cannot be interpolated

The core's classes (ontology's and skillgraph's) are defined here or, for ontology's, in
:mod:`ontology.errors` and imported here; the modules that raise them import them from here (and
keep the names, so ``from skillgraph.memory import ExampleNotFoundError`` still works).
``services`` and ``training`` define their own subclasses in their packages.

Not in the tree: ``services.api.problems.ApiProblem`` is an HTTP answer raised by views, not an
error; private control-flow exceptions (``_NoGraphStore``) never leave their module.
"""

from __future__ import annotations

from collections.abc import Sequence

from ontology.errors import EscoFormatError, SkillgraphError, SnapshotError, UnknownConceptError

__all__ = [
    "CalibrationError",
    "CalibrationMissingError",
    "ConfigError",
    "DatastoreError",
    "EncoderError",
    "EnglishModelMissingError",
    "EscoFormatError",
    "ExampleBatchError",
    "ExampleError",
    "ExampleNotFoundError",
    "GraphError",
    "GraphFormatError",
    "IndexBuildError",
    "InputError",
    "MemoryUnavailableError",
    "RecordTooLargeError",
    "SkillgraphError",
    "SnapshotError",
    "SourceFormatError",
    "SpanModelError",
    "TextTooLongError",
    "UnknownConceptError",
    "UnknownSkillError",
]


class ConfigError(SkillgraphError, ValueError):
    """A setting is unknown or has a value of the wrong type or outside its choices."""


# --- inputs -------------------------------------------------------------------------------


class InputError(SkillgraphError, ValueError):
    """The input text or a request parameter is unusable (empty, wrong range, ...)."""


class TextTooLongError(InputError):
    """The input text is longer than the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"text too long: {length} characters (limit {limit})")
        self.length = length
        self.limit = limit


class RecordTooLargeError(InputError):
    """A record outgrew the budget; the rest of its physical line has been skipped.

    Raised by :class:`skillgraph.bounded_lines.BoundedLines`; its readers turn it into a row
    error and go on, so it reaches a user only from a caller that does not.
    """


class GraphFormatError(InputError):
    """A document is not a procedure graph this version can read."""


# --- the example memory -------------------------------------------------------------------


class ExampleError(InputError):
    """An example cannot be stored: empty text, no skill, a skill both positive and negative."""


class UnknownSkillError(ExampleError):
    """An example names skills the loaded ESCO release does not have."""

    def __init__(self, references: Sequence[str], release: str) -> None:
        self.references = tuple(references)
        super().__init__(f"unknown ESCO skill(s) in {release}: {', '.join(self.references)}")


class ExampleBatchError(ExampleError):
    """Some examples of a batch are unusable; nothing of the batch was stored."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(f"#{index}: {reason}" for index, reason in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} example(s) unusable, none stored: {listed}{more}")


class SourceFormatError(SkillgraphError, ValueError):
    """A file is in none of the known formats, or not in the one named."""


class ExampleNotFoundError(SkillgraphError, LookupError):
    """No stored example has this id (never stored, or removed)."""

    def __init__(self, example_id: int) -> None:
        self.example_id = example_id
        super().__init__(f"no stored example with id {example_id}")


class MemoryUnavailableError(SkillgraphError):
    """The memory is switched off, or its configuration names something that does not exist."""


class DatastoreError(SkillgraphError, RuntimeError):
    """The datastore file cannot be opened or has an unknown format."""


# --- models and indexes -------------------------------------------------------------------


class EncoderError(SkillgraphError, RuntimeError):
    """An encoder cannot be created or used (missing model files, bad configuration)."""


class GraphError(SkillgraphError, ValueError):
    """A graph does not have the shape the reader needs."""


class IndexBuildError(SkillgraphError, RuntimeError):
    """The index cannot be built or loaded, or cannot answer the search asked of it."""


class CalibrationError(SkillgraphError, ValueError):
    """A calibration file is missing or malformed."""


class CalibrationMissingError(SkillgraphError):
    """The extraction mode has no calibration to accept candidates with."""


class SpanModelError(SkillgraphError):
    """The span model cannot be found, or does not fit the configured encoder."""


class EnglishModelMissingError(SkillgraphError):
    """The English pipeline procedure graphs parse with is not installed (an extra)."""


class RdfError(SkillgraphError):
    """Base class: RDF exports, pushes and queries that cannot go on."""


class RdfInputError(RdfError, ValueError):
    """An input (JSONL results, RDF file, option value, base IRI) is unusable as a whole."""
