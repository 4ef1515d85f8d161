"""Fine-tune a token classifier that marks skill and knowledge spans (BIO), then export it.

Starts from a sentence encoder's transformer (the shipped MiniLM by default); every sub-word is
labelled: a word's first piece takes the word's tag, its other pieces ``I`` inside a span and
``O`` outside, which is what :mod:`skillgraph.spans.decoding` reads back at run time.
"""

from __future__ import annotations

import json
import logging
import random
import time
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from skillgraph.encoders.models import resolve_model
from skillgraph.errors import SkillgraphError
from skillgraph.spans.decoding import viterbi_tags
from skillgraph.spans.labels import LABELS
from training.span_data import TaggedSentence, bio_spans, read_span_sets
from training.span_metrics import span_f1

log = logging.getLogger(__name__)

IGNORE = -100
_LABEL_ID = {label: i for i, label in enumerate(LABELS)}


class SpanConfigError(SkillgraphError, ValueError):
    """The span training configuration is invalid."""


@dataclass(frozen=True)
class SpanTrainConfig:
    name: str
    output_dir: Path
    data_root: Path  # holds <set>/train.json and <set>/dev.json
    sets: tuple[str, ...] = ("skillspan", "green", "sayfullina")
    base_model: str = "all-MiniLM-L6-v2"
    seed: int = 13
    epochs: int = 2
    max_steps: int = 0  # 0: no limit
    batch_size: int = 16
    learning_rate: float = 8e-5
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 96
    threads: int = 2
    # Word-piece embeddings stay as the base model has them: a third of the weights, and the
    # optimiser's most expensive step on a CPU.
    freeze_embeddings: bool = True
    eval_limit: int = 0  # dev sentences scored per set (0: all)
    # Score dev after every epoch and keep the epoch with the best mean strict F1 over the sets
    # (the dev splits choose; no test split is read).
    select_epoch: bool = False
    log_every: int = 50
    extra: dict[str, Any] = field(default_factory=dict)


def load_span_config(path: Path, overrides: dict[str, Any] | None = None) -> SpanTrainConfig:
    """Read a TOML config; relative paths resolve against the file's directory."""
    values = tomllib.loads(path.read_text(encoding="utf-8"))
    values.update(overrides or {})
    known = {f.name for f in fields(SpanTrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise SpanConfigError(f"{path}: unknown settings {sorted(unknown)}")
    for key in ("output_dir", "data_root"):
        if key in values:
            value = Path(values[key]).expanduser()
            values[key] = value if value.is_absolute() else (path.parent / value).resolve()
    if "sets" in values:
        values["sets"] = tuple(values["sets"])
    try:
        return SpanTrainConfig(**values)
    except TypeError as exc:
        raise SpanConfigError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class SpanTrainResult:
    model_dir: Path
    steps: int
    seconds: float
    dev: dict[str, dict[str, dict[str, float]]]  # set -> strict/loose -> P/R/F1
    epoch: int | None = None  # the epoch kept (1-based) when the config selects one


def encode_tagged(tokenizer: Any, sentence: TaggedSentence, max_length: int) -> dict[str, list]:
    """Token ids and one label per sub-word (special tokens ignored)."""
    encoding = tokenizer(
        list(sentence.tokens), is_split_into_words=True, truncation=True, max_length=max_length
    )
    labels = []
    previous = None
    for word in encoding.word_ids():
        if word is None:
            labels.append(IGNORE)
        elif word != previous:
            labels.append(_LABEL_ID[sentence.tags[word]])
        else:
            labels.append(_LABEL_ID["O" if sentence.tags[word] == "O" else "I"])
        previous = word
    return {"input_ids": encoding["input_ids"], "labels": labels}


def _batches(items: list[dict[str, list]], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding)."""
    order = list(range(len(items)))
    rng.shuffle(order)
    chunk = size * 50
    batches = []
    for start in range(0, len(order), chunk):
        block = sorted(order[start : start + chunk], key=lambda i: len(items[i]["input_ids"]))
        batches += [block[i : i + size] for i in range(0, len(block), size)]
    rng.shuffle(batches)
    return batches


def _collate(items: Sequence[dict[str, list]], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(item["input_ids"]) for item in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    labels = torch.full((len(items), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for row, item in enumerate(items):
        n = len(item["input_ids"])
        ids[row, :n] = torch.tensor(item["input_ids"])
        labels[row, :n] = torch.tensor(item["labels"])
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def predict_word_tags(
    model: Any, tokenizer: Any, sentences: Sequence[TaggedSentence], max_length: int
) -> list[list[str]]:
    """Word tags as the runtime decodes them (:func:`~skillgraph.spans.viterbi_tags` over
    each word's first sub-word; words cut off are ``O``)."""
    model.eval()
    found: list[list[str]] = []
    with torch.no_grad():
        for start in range(0, len(sentences), 64):
            chunk = sentences[start : start + 64]
            encoding = tokenizer(
                [list(s.tokens) for s in chunk],
                is_split_into_words=True,
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            )
            logits = model(
                input_ids=encoding["input_ids"], attention_mask=encoding["attention_mask"]
            ).logits
            probabilities = torch.softmax(logits, -1).numpy()
            for row, sentence in enumerate(chunk):
                first: dict[int, int] = {}
                for position, word in enumerate(encoding.word_ids(row)):
                    if word is not None and word not in first:
                        first[word] = position
                outside = np.eye(len(LABELS))[LABELS.index("O")]
                words = np.array(
                    [
                        probabilities[row, first[w]] if w in first else outside
                        for w in range(len(sentence.tokens))
                    ]
                )
                found.append([LABELS[t] for t in viterbi_tags(words)])
    return found


def evaluate_spans(
    model: Any, tokenizer: Any, sentences: Sequence[TaggedSentence], max_length: int
) -> dict[str, dict[str, float]]:
    predicted = predict_word_tags(model, tokenizer, sentences, max_length)
    scores = span_f1([s.spans for s in sentences], [bio_spans(p) for p in predicted])
    return {kind: s.as_dict() for kind, s in scores.items()}


def _dev_sentences(config: SpanTrainConfig, name: str) -> list[TaggedSentence]:
    sentences = read_span_sets(config.data_root, [name], "dev")
    return sentences[: config.eval_limit] if config.eval_limit else sentences


def _scored(
    model: Any, tokenizer: Any, sets: dict[str, list[TaggedSentence]], max_length: int
) -> dict[str, dict[str, dict[str, float]]]:
    return {name: evaluate_spans(model, tokenizer, s, max_length) for name, s in sets.items()}


def _mean_strict(dev: dict[str, dict[str, dict[str, float]]]) -> float:
    return float(np.mean([d["strict"]["f1"] for d in dev.values()]))


def train_spans(config: SpanTrainConfig, data_dir: Path) -> SpanTrainResult:
    """Fine-tune on the sets' train splits, score their dev splits, save to output_dir/model."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    base = resolve_model(config.base_model, data_dir).torch_dir
    if base is None:
        raise SpanConfigError(f"{config.base_model!r} has no torch weights to start from")
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForTokenClassification.from_pretrained(
        str(base),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=_LABEL_ID,
    )
    if config.freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    train = read_span_sets(config.data_root, config.sets, "train")
    items = [encode_tagged(tokenizer, s, config.max_length) for s in train]
    steps_per_epoch = -(-len(items) // config.batch_size)
    total = steps_per_epoch * config.epochs
    if config.max_steps:
        total = min(total, config.max_steps)
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad],
        lr=config.learning_rate,
        weight_decay=config.weight_decay,
    )
    warmup = max(1, int(total * config.warmup_ratio))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    log.info("span training: %d sentences, %d steps", len(items), total)
    started = time.perf_counter()
    step = 0
    running = []
    dev_sets = {name: _dev_sentences(config, name) for name in config.sets}
    epochs: list[dict[str, dict[str, dict[str, float]]]] = []
    # The best epoch so far: mean dev strict F1, its number, the steps it took, its weights.
    best: tuple[float, int, int, dict[str, torch.Tensor]] | None = None
    while step < total:
        model.train()
        for batch in _batches(items, config.batch_size, rng):
            if step >= total:
                break
            inputs = _collate([items[i] for i in batch], tokenizer.pad_token_id or 0)
            loss = model(**inputs).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            running.append(loss.item())
            if step % config.log_every == 0 or step == total:
                log.info(
                    "step %d/%d loss %.4f (%.0f s)",
                    step,
                    total,
                    float(np.mean(running)),
                    time.perf_counter() - started,
                )
                running = []
        if config.select_epoch:
            epochs.append(_scored(model, tokenizer, dev_sets, config.max_length))
            mean = _mean_strict(epochs[-1])
            log.info("epoch %d: mean dev strict F1 %.3f", len(epochs), mean)
            if best is None or mean > best[0]:
                weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
                best = (mean, len(epochs), step, weights)
    kept_epoch, kept_steps = None, step
    if best is not None:
        _, kept_epoch, kept_steps, weights = best
        model.load_state_dict(weights)
        log.info("kept epoch %d of %d (step %d)", kept_epoch, len(epochs), kept_steps)
        dev = epochs[kept_epoch - 1]  # chosen on these very figures: optimistic
    else:
        dev = _scored(model, tokenizer, dev_sets, config.max_length)
    for name in config.sets:
        log.info("dev %s: %s", name, json.dumps(dev[name]))
    model_dir = config.output_dir / "model"
    model.save_pretrained(str(model_dir))
    tokenizer.save_pretrained(str(model_dir))
    seconds = time.perf_counter() - started
    summary = {
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        "train_sentences": len(items),
        "steps": kept_steps,
        "steps_run": step,
        "kept_epoch": kept_epoch,
        "seconds": round(seconds, 1),
        "dev": dev,
        "dev_by_epoch": epochs,
    }
    (config.output_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return SpanTrainResult(model_dir, kept_steps, seconds, dev, kept_epoch)
