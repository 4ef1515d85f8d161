"""The one-pass reader at run time: the encoder and its span head as one ONNX graph.

One pass over a sentence gives its vector (the encoder's own ``embedding`` output, unchanged),
its skill spans (the head's BIO probabilities, decoded) and *span states*, whose mean over a
span's sub-words is that span's query vector: no span is encoded again. Links and e-mail
addresses are blanked out first (:mod:`skillgraph.reader.links`): the span models never saw one.

The graph is assembled once per (head, encoder) from the expanded encoder and the shipped head
(:func:`expand_reader`) into ``<data_dir>/models/``, as fp32 and per-token int8.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from skillgraph.encoders.onnx_files import (
    TOKENIZER_FILE,
    is_current,
    onnx_file,
    read_manifest,
    write_onnx_dir,
)
from skillgraph.encoders.onnx_session import OnnxModel, open_onnx
from skillgraph.reader.graph import EMBEDDING, PROBABILITIES, SPAN_STATES, TAG_STATES
from skillgraph.reader.links import blank_links
from skillgraph.spans.datastore import (
    DATASTORE_INDEX,
    NeighbourMix,
    SpanDatastore,
    datastore_counts,
)
from skillgraph.spans.decoding import (
    DECODINGS,
    DEFAULT_DECODING,
    Span,
    decode_spans,
    first_sub_words,
)
from skillgraph.spans.heads import PACKED_HEAD, SpanHeadModel, SpanModelError
from skillgraph.spans.labels import OUTSIDE
from skillgraph.spans.taggers import open_tagger

if TYPE_CHECKING:
    from tokenizers import Encoding

log = logging.getLogger(__name__)

CharRange = tuple[int, int]
READER_OUTPUTS = (EMBEDDING, PROBABILITIES, SPAN_STATES, TAG_STATES)
BATCH_SIZE = 16  # sentences per ONNX run; of 8, 16, 32 and 64 the fastest on an Intel Xeon


@dataclass(frozen=True, slots=True)
class Reading:
    """One sentence, read once."""

    vector: np.ndarray  # the sentence's unit vector (dimension,)
    spans: tuple[Span, ...]
    peak: float  # how likely its most skill-like sub-word is inside a span
    span_vectors: np.ndarray  # a unit query vector per span, (spans, dimension)


class Reader(Protocol):
    """What the extraction mode reads sentences with (:class:`SentenceReader`, or a fake)."""

    name: str
    fingerprint: str  # changes whenever the weights change
    uncased: bool  # whether case is lost on reading ("Python" reads as "python")

    def read(self, sentences: Sequence[str]) -> list[Reading]: ...


class SentenceReader:
    """Reads sentences: vectors, spans and part vectors from one pass each."""

    def __init__(
        self,
        model_dir: Path,
        precision: str = "int8",
        threads: int = 0,
        decoding: str = DEFAULT_DECODING,
        batch_size: int = BATCH_SIZE,
        tagger: OnnxModel | None = None,
        datastore: SpanDatastore | None = None,
        tagger_weight: float = 1.0,
    ) -> None:
        """``tagger``: a stand-alone span tagger (:mod:`skillgraph.spans.taggers`) whose BIO
        probabilities are mixed with the head's at ``tagger_weight`` (1: they replace them),
        at the cost of a second pass. ``datastore``: the head's span datastore, whose nearest
        words are mixed into the head's probabilities (its keys are the head's states)."""
        if decoding not in DECODINGS:
            raise SpanModelError(f"unknown span decoding {decoding!r}; choose one of {DECODINGS}")
        if not 0.0 <= tagger_weight <= 1.0:
            raise SpanModelError(f"tagger_weight must be within [0, 1], not {tagger_weight}")
        self.model = open_onnx(model_dir, precision, threads)
        self.tagger = tagger
        self.tagger_weight = tagger_weight if tagger is not None else 1.0
        counts = datastore is not None and datastore_counts(
            tagger is not None, self.tagger_weight, datastore.mix_settings.weight
        )
        self.datastore = datastore if counts else None
        self.tokenizer = self.model.tokenizer
        self.name = f"onnx-{precision}:{self.model.manifest['name']}"
        tagged_by = ""
        if tagger is not None:
            self.name += f"+{tagger.manifest['name']}"
            tagged_by = f"+{tagger.fingerprint}"
            if self.tagger_weight < 1.0:
                self.name += f"@{self.tagger_weight:g}"
                tagged_by += f"@{self.tagger_weight:g}"
        if self.datastore is not None:
            mix = self.datastore.mix_settings
            tagged_by += (
                f"+knn:{self.datastore.manifest['digest'][:12]}:{mix.weight:g}:{mix.neighbours}"
                f":{mix.temperature:g}:{mix.probes}:{mix.below:g}"
            )
        self.decoding = decoding
        # The spans, and so everything cached from them, depend on the decoding too, and on
        # links being blanked out (since 2026-12-07).
        self.fingerprint = f"{self.model.fingerprint}{tagged_by}/{decoding}/blank-links"
        self.dimension = int(self.model.manifest["dimension"])
        self.batch_size = batch_size
        normalizer = json.loads(self.tokenizer.to_str()).get("normalizer") or {}
        # An uncased tokenizer reads "Python" and "python" alike (cache keys fold case).
        self.uncased = bool(normalizer.get("lowercase", False))

    def read(self, sentences: Sequence[str]) -> list[Reading]:
        """A reading per sentence, in order."""
        found: dict[int, Reading] = {}  # by position in sentences
        # Similar lengths together: less padding.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            encodings = self.tokenizer.encode_batch([blank_links(sentences[i]) for i in chunk])
            outputs: tuple[str, ...] = (EMBEDDING, PROBABILITIES, SPAN_STATES)
            if self.datastore is not None:
                outputs += (TAG_STATES,)
            vectors, probabilities, states, *tag_states = self.model.run(outputs, encodings)
            if self.datastore is not None:
                probabilities = _mixed(self.datastore, probabilities, tag_states[0], encodings)
            if self.tagger is not None:  # the same sub-words, tagged by the stand-alone model
                (tagged,) = self.tagger.run((PROBABILITIES,), encodings)
                weight = self.tagger_weight
                probabilities = (
                    tagged if weight == 1.0 else weight * tagged + (1 - weight) * probabilities
                )
            for row, (i, encoding) in enumerate(zip(chunk, encodings, strict=True)):
                n = int(sum(encoding.attention_mask))
                found[i] = _reading(
                    self.decoding,
                    sentences[i],
                    vectors[row],
                    probabilities[row, :n],
                    states[row, :n],
                    encoding.offsets[:n],
                    encoding.word_ids[:n],
                )
        return [found[i] for i in range(len(sentences))]


def _mixed(
    datastore: SpanDatastore,
    probabilities: np.ndarray,
    tag_states: np.ndarray,
    encodings: Sequence[Encoding],
) -> np.ndarray:
    """The batch's probabilities with each word's first sub-word (what decoding reads) mixed
    with its nearest stored words; one search for the whole batch."""
    rows, positions = [], []
    for row, encoding in enumerate(encodings):
        first = first_sub_words(encoding.word_ids)
        rows += [row] * len(first)
        positions += first
    mixed = probabilities.copy()
    words = (rows, positions)
    mixed[words] = datastore.mix(tag_states[words], probabilities[words])
    return mixed


def _reading(
    decoding: str,
    text: str,
    vector: np.ndarray,
    probabilities: np.ndarray,
    states: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
) -> Reading:
    spans = decode_spans(text, probabilities, offsets, word_ids, decoding=decoding)
    real = np.array([t for t, w in enumerate(word_ids) if w is not None], dtype=np.int64)
    peak = float(1.0 - probabilities[real, OUTSIDE].min()) if len(real) else 0.0
    return Reading(
        vector=vector.astype(np.float32, copy=False),
        spans=tuple(spans),
        peak=peak,
        span_vectors=_pooled(states, offsets, real, [(s.start, s.end) for s in spans]),
    )


def _pooled(
    states: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    real: np.ndarray,
    ranges: Sequence[CharRange],
) -> np.ndarray:
    """Unit mean of the span states over each character range's sub-words (those overlapping
    it; a span always has some)."""
    dimension = states.shape[1]
    if not ranges:
        return np.zeros((0, dimension), np.float32)
    starts = np.array([offsets[t][0] for t in real])
    ends = np.array([offsets[t][1] for t in real])
    wanted = np.asarray(ranges, dtype=np.int64)
    first = np.searchsorted(ends, wanted[:, 0], side="right")  # first sub-word ending after a
    last = np.searchsorted(starts, wanted[:, 1], side="left")  # one past the last before b
    # Real sub-words are contiguous, so a range's mean is a difference of prefix sums.
    cumulative = np.zeros((len(real) + 1, dimension), np.float64)
    np.cumsum(states[real], axis=0, out=cumulative[1:])
    sums = cumulative[last] - cumulative[first]
    return (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)).astype(
        np.float32
    )


def expand_reader(head: SpanHeadModel, trunk_dir: Path, target: Path) -> None:
    """Write the reader's ONNX directory: the trunk's fp32 graph with the head merged in."""
    import onnx

    from skillgraph.encoders.packed import unpack_model
    from skillgraph.reader.graph import merge_head

    trunk_manifest = read_manifest(trunk_dir)
    trunk_graph = trunk_dir / onnx_file("fp32")

    def write_fp32(path: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            head_graph = head.head_file
            if head_graph.name == PACKED_HEAD:
                head_graph = Path(tmp) / "head.onnx"
                unpack_model(head.head_file, head_graph)
            merged = merge_head(onnx.load(str(trunk_graph)), onnx.load(str(head_graph)))
        onnx.save(merged, str(path))

    write_onnx_dir(
        target,
        write_fp32,
        lambda path: shutil.copyfile(trunk_dir / TOKENIZER_FILE, path),
        {
            "name": f"{head.encoder}+{head.name}",
            "dimension": trunk_manifest["dimension"],
            "max_length": head.max_length,
            "pad_id": trunk_manifest.get("pad_id", 0),
            "head": head.name,
            "head_digest": head.digest,
            "encoder": head.encoder,
            "encoder_fingerprint": trunk_fingerprint(trunk_dir),
            "outputs": list(READER_OUTPUTS),
        },
    )


def trunk_fingerprint(trunk_dir: Path) -> str:
    """The digest of the trunk's fp32 graph: the weights a head was trained on."""
    return str(read_manifest(trunk_dir)["files"][onnx_file("fp32")])


def reader_dir(head: SpanHeadModel, data_dir: Path) -> Path:
    return data_dir / "models" / f"reader-{head.name}-{head.digest[:12]}"


def load_reader(
    head: SpanHeadModel,
    trunk_dir: Path,
    data_dir: Path,
    precision: str = "int8",
    threads: int = 0,
    decoding: str = DEFAULT_DECODING,
    tagger: str = "",
    neighbours: NeighbourMix | None = None,
    tagger_weight: float = 1.0,
) -> SentenceReader:
    """The reader of ``head`` on the encoder in ``trunk_dir``, assembled on first use; with
    ``tagger`` (a stand-alone span tagger's name or directory), spans come from that model's
    probabilities mixed with the head's at ``tagger_weight``; with ``neighbours`` (weight
    above 0), the head's datastore is mixed into the head's share."""
    fingerprint = trunk_fingerprint(trunk_dir)
    if fingerprint != head.encoder_fingerprint:
        raise SpanModelError(
            f"span model {head.name!r} was trained on {head.encoder} with weights "
            f"{head.encoder_fingerprint}, but {trunk_dir} holds weights {fingerprint}: "
            "train a span head for this encoder (`skillgraph train-span-head`)"
        )
    target = reader_dir(head, data_dir)
    manifest = read_manifest(target) if is_current(target) else {}
    current = (
        manifest.get("encoder_fingerprint") == fingerprint
        and tuple(manifest.get("outputs", ())) == READER_OUTPUTS  # older readers lack some
    )
    if not current:
        log.info("assembling the one-pass reader %s into %s (first use only)", head.name, target)
        expand_reader(head, trunk_dir, target)
    tagging = open_tagger(tagger, trunk_dir, data_dir, precision, threads) if tagger else None
    datastore = None  # not loaded (16 MB) where it would have no share
    if neighbours is not None and datastore_counts(bool(tagger), tagger_weight, neighbours.weight):
        datastore = load_datastore(head, neighbours)
    return SentenceReader(
        target,
        precision,
        threads,
        decoding,
        tagger=tagging,
        datastore=datastore,
        tagger_weight=tagger_weight,
    )


def load_datastore(head: SpanHeadModel, neighbours: NeighbourMix) -> SpanDatastore | None:
    """The datastore beside ``head``, or None (with a warning) where it has none."""
    if not (head.directory / DATASTORE_INDEX).is_file():
        log.warning(
            "span model %s has no datastore: its own probabilities are used alone (build one "
            "with `skillgraph build-span-datastore`, or set spans.neighbours_weight = 0)",
            head.name,
        )
        return None
    datastore = SpanDatastore.load(head.directory, neighbours)
    if datastore.head_digest != head.digest:
        raise SpanModelError(
            f"the datastore beside span model {head.name!r} was built with other head weights "
            f"({datastore.head_digest[:12]}, the head is {head.digest[:12]}): rebuild it with "
            "`skillgraph build-span-datastore`"
        )
    return datastore
