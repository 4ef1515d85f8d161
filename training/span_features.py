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
from skillgraph.reader.graph import MASK, expose_hidden_states
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
            hidden = np.stack(self.session.run(self.hidden_names, feeds), axis=1)
            probabilities = teacher(feeds) if teacher else None
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
    one) whose probabilities the head learns to match; it must share the trunk's tokenizer."""

    def __init__(self, directory: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        with tempfile.TemporaryDirectory() as tmp:
            graph = Path(tmp) / "teacher.onnx"
            unpack_model(directory / PACKED_FILE, graph)
            self.session = ort.InferenceSession(
                str(graph), options, providers=["CPUExecutionProvider"]
            )
        self.inputs = {i.name for i in self.session.get_inputs()}

    def __call__(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        (probabilities,) = self.session.run(
            None, {k: v for k, v in feeds.items() if k in self.inputs}
        )
        return probabilities


def _feeds(encodings) -> dict[str, np.ndarray]:
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    return {
        "input_ids": ids,
        MASK: np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.zeros_like(ids),
    }
