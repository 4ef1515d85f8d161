"""Build the span head's datastore (:mod:`skillgraph.spans.datastore`) from the span sets' train
splits: every word's ``tag_states`` (first sub-word, as decoding reads it) from the one-pass
reader at fp32, stored with its gold BIO label beside the head.

    skillgraph build-span-datastore    # about 3 min on two cores; writes beside spans.model
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skillgraph.config import Settings
from skillgraph.encoders import onnx_model_dir
from skillgraph.reader import SentenceReader, load_reader
from skillgraph.reader.graph import TAG_STATES
from skillgraph.spans.datastore import build_datastore
from skillgraph.spans.decoding import first_sub_words
from skillgraph.spans.heads import load_span_model
from training.span_data import TaggedSentence, read_span_sets
from training.span_features import joined, sub_word_labels

log = logging.getLogger(__name__)

SPAN_SETS = ("skillspan", "green", "sayfullina")
_BATCH = 32


@dataclass(frozen=True)
class DatastoreResult:
    directory: Path
    sentences: int
    words: int
    seconds: float


def word_states(
    reader: SentenceReader, sentences: Sequence[TaggedSentence]
) -> tuple[np.ndarray, np.ndarray]:
    """(words, dimension) tag states and (words,) labels of every word of ``sentences``."""
    keys: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i].tokens))
    for start in range(0, len(order), _BATCH):
        chunk = [sentences[i] for i in order[start : start + _BATCH]]
        texts = [joined(s) for s in chunk]
        encodings = reader.tokenizer.encode_batch([text for text, _ in texts])
        (states,) = reader.model.run((TAG_STATES,), encodings)
        for row, (sentence, (_, starts), encoding) in enumerate(
            zip(chunk, texts, encodings, strict=True)
        ):
            n = int(sum(encoding.attention_mask))
            word_ids = encoding.word_ids[:n]
            first = first_sub_words(word_ids)
            tags = sub_word_labels(sentence, starts, encoding.offsets[:n], word_ids)
            keys.append(states[row, first])
            labels.append(tags[first])
    if not keys:
        return np.zeros((0, 0), np.float32), np.zeros(0, np.int64)
    return np.concatenate(keys), np.concatenate(labels)


def build_span_datastore(
    settings: Settings,
    data_root: Path,
    sets: Sequence[str] = SPAN_SETS,
    max_sentences: int | None = None,
) -> DatastoreResult:
    """Build the datastore of ``settings.spans.model`` from ``data_root/<set>/train.json``."""
    started = time.perf_counter()
    head = load_span_model(settings.spans.model)
    trunk = onnx_model_dir(settings.encoder.model, settings.data_dir)
    reader = load_reader(head, trunk, settings.data_dir, "fp32", settings.spans.threads)
    sentences: list[TaggedSentence] = []
    for name in sets:
        found = read_span_sets(data_root, [name], "train")
        sentences.extend(found[:max_sentences] if max_sentences else found)
    keys, labels = word_states(reader, sentences)
    log.info("%d words from %d sentences; building the index", len(keys), len(sentences))
    details = {
        "head": head.name,
        "head_digest": head.digest,
        "sets": list(sets),
        "split": "train",
        "sentences": len(sentences),
    }
    directory = build_datastore(keys, labels, head.directory, details)
    return DatastoreResult(directory, len(sentences), len(keys), time.perf_counter() - started)
