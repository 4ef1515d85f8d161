"""What the span head learns from: the frozen trunk's hidden states for span-annotated sentences,
sub-word labels as the runtime decodes them, and (optionally) a teacher tagger's probabilities.

Sentences are the span sets' tokens joined by spaces and tokenized as at run time (the
tokenizer's own pre-tokens are the "words" :func:`skillgraph.spans.decode_spans` reads), so the
head is trained on exactly the inputs it will see.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skillgraph.encoders.packed import PACKED_FILE, unpack_model
from skillgraph.reader.graph import MASK, PROBABILITIES, expose_hidden_states, hidden_name
from skillgraph.spans.heads import PACKED_HEAD
from skillgraph.spans.labels import BEGIN, INSIDE, OUTSIDE
from training.span_data import TaggedSentence

log = logging.getLogger(__name__)

IGNORE = -100
_BATCH = 64


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    sentence: TaggedSentence
    text: str  # the tokens joined by single spaces
    token_starts: tuple[int, ...]  # character offset of each dataset token in ``text``
    ids: np.ndarray  # sub-word ids, [CLS] and [SEP] included
    offsets: tuple[tuple[int, int], ...]
    word_ids: tuple[int | None, ...]
    hidden: np.ndarray  # float16 (hidden states, sub-words, dimension)
    labels: np.ndarray  # per sub-word: OUTSIDE / BEGIN / INSIDE, IGNORE for special tokens
    teacher: np.ndarray | None  # float16 (sub-words, labels)


def joined(sentence: TaggedSentence) -> tuple[str, tuple[int, ...]]:
    starts, position = [], 0
    for token in sentence.tokens:
        starts.append(position)
        position += len(token) + 1
    return " ".join(sentence.tokens), tuple(starts)


def sub_word_labels(
    sentence: TaggedSentence,
    token_starts: Sequence[int],
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
) -> np.ndarray:
    """A word's first sub-word takes the span tag (BEGIN only where a span starts), its other
    sub-words INSIDE within a span and OUTSIDE elsewhere: what decoding reads back."""
    token_of = np.searchsorted(np.asarray(token_starts), [a for a, _ in offsets], side="right") - 1
    labels = np.full(len(offsets), IGNORE, dtype=np.int64)
    previous_word = None
    for position, word in enumerate(word_ids):
        if word is None:
            continue
        token = int(token_of[position])
        tag = sentence.tags[token]
        if tag == "O":
            labels[position] = OUTSIDE
        elif word != previous_word and tag == "B" and offsets[position][0] == token_starts[token]:
            labels[position] = BEGIN
        else:
            labels[position] = INSIDE
        previous_word = word
    return labels


class TrunkFeatures:
    """Runs the trunk (an encoder's fp32 ONNX graph) with its hidden states exposed."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_length: int, threads: int):
        import onnx
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0)
        exposed = expose_hidden_states(onnx.load(str(onnx_path)))
        self.hidden_names = [o.name for o in exposed.graph.output if o.name.startswith("hidden_")]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            exposed.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def __call__(
        self, sentences: Sequence[TaggedSentence], teacher: TeacherTagger | None = None
    ) -> list[SentenceFeatures]:
        found = []
        for start in range(0, len(sentences), _BATCH):
            chunk = sentences[start : start + _BATCH]
            texts = [joined(s) for s in chunk]
            encodings = self.tokenizer.encode_batch([text for text, _ in texts])
            feeds = _feeds(encodings)
            states = self.session.run(self.hidden_names, feeds)
            hidden = np.stack(states, axis=1)
            probabilities = teacher(feeds, states) if teacher else None
            for row, (sentence, (text, starts), encoding) in enumerate(
                zip(chunk, texts, encodings, strict=True)
            ):
                n = int(sum(encoding.attention_mask))
                offsets = tuple(encoding.offsets[:n])
                word_ids = tuple(encoding.word_ids[:n])
                found.append(
                    SentenceFeatures(
                        sentence=sentence,
                        text=text,
                        token_starts=starts,
                        ids=np.asarray(encoding.ids[:n]),
                        offsets=offsets,
                        word_ids=word_ids,
                        hidden=hidden[row, :, :n].astype(np.float16),
                        labels=sub_word_labels(sentence, starts, offsets, word_ids),
                        teacher=None
                        if probabilities is None
                        else probabilities[row, :n].astype(np.float16),
                    )
                )
        return found


class TeacherTagger:
    """A stand-alone span tagger (a packed ONNX token classifier, e.g. the previous shipped
    one) whose probabilities the head learns to match; it must share the trunk's tokenizer.

    With ``head`` (a span head's graph on the same trunk) the teacher is the mix the accurate
    profile reads: ``head_share`` of the head's probabilities, the rest the tagger's."""

    def __init__(
        self, directory: Path, threads: int, head: Path | None = None, head_share: float = 0.5
    ) -> None:
        if not 0.0 <= head_share <= 1.0:
            raise ValueError(f"the teacher head's share must be within [0, 1], not {head_share}")
        self.session = _session(directory / PACKED_FILE, threads)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.head = _session(head, threads) if head is not None else None
        self.head_inputs = {i.name for i in self.head.get_inputs()} if self.head else set()
        self.head_share = head_share

    def __call__(
        self, feeds: dict[str, np.ndarray], hidden: Sequence[np.ndarray] = ()
    ) -> np.ndarray:
        """Probabilities per sub-word; ``hidden``: the trunk's hidden states, in order (what a
        teacher head reads)."""
        (probabilities,) = self.session.run(
            None, {k: v for k, v in feeds.items() if k in self.inputs}
        )
        if self.head is None:
            return probabilities
        if not hidden:
            raise ValueError("a teacher with a head needs the trunk's hidden states")
        head_feeds = {hidden_name(i): states for i, states in enumerate(hidden)}
        head_feeds[MASK] = feeds[MASK]
        (head_probabilities,) = self.head.run(
            [PROBABILITIES], {k: v for k, v in head_feeds.items() if k in self.head_inputs}
        )
        return self.head_share * head_probabilities + (1 - self.head_share) * probabilities


def _session(graph: Path, threads: int):
    """An onnxruntime session for a plain or packed graph."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    with tempfile.TemporaryDirectory() as tmp:
        if graph.name in (PACKED_FILE, PACKED_HEAD):
            plain = Path(tmp) / "model.onnx"
            unpack_model(graph, plain)
            graph = plain
        return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def _feeds(encodings) -> dict[str, np.ndarray]:
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    return {
        "input_ids": ids,
        MASK: np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.zeros_like(ids),
    }
