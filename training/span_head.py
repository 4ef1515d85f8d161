"""Train the span head of the one-pass reader (:mod:`skillgraph.reader`) on a frozen encoder.

The encoder (the trunk) stays exactly as shipped, so sentence vectors, the ESCO index and the
ranking mode do not change. The head reads every hidden state of the trunk and learns two things:

* **tagging**: a learned mix of the hidden states, ``layers`` transformer layers (initialised
  from the last layers of ``layer_init``) and a BIO classifier, trained on the span sets' train
  splits, with part of the loss matching a teacher tagger's probabilities (distillation);
* **pooling**: another mix and an affine map whose average over a span's sub-words lands near the
  encoder's own vector of the span text alone, so spans and phrases get their query vectors
  from the sentence's pass instead of a pass of their own (an affine map commutes with the mean).

    skillgraph train-span-head training/span_configs/minilm-esco-head.toml --ship
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from skillgraph.config import EncoderSettings
from skillgraph.encoders import file_digest, load_encoder, onnx_model_dir
from skillgraph.encoders.onnx_files import TOKENIZER_FILE, onnx_file
from skillgraph.phrases import phrases
from skillgraph.reader.reader import trunk_fingerprint
from skillgraph.segmentation import Sentence
from skillgraph.spans import decode_spans, load_span_model
from skillgraph.spans.heads import MANIFEST, PLAIN_HEAD
from skillgraph.spans.labels import LABELS
from training.span_data import bio_spans, read_span_sets
from training.span_features import IGNORE, SentenceFeatures, TeacherTagger, TrunkFeatures
from training.span_metrics import span_f1, token_spans
from training.train_config import build_config, read_toml

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpanHeadConfig:
    name: str
    output_dir: Path
    data_root: Path  # holds <set>/train.json and <set>/dev.json
    sets: tuple[str, ...] = ("skillspan", "green", "sayfullina")
    encoder: str = "skillgraph-minilm-esco"  # the trunk: a shipped or registered encoder
    teacher: Path | None = None  # a packed span tagger directory to distil from
    distillation: float = 0.5  # share of the tagging loss that matches the teacher
    teacher_head: Path | None = None  # a span head mixed into the teacher, as `accurate` mixes
    teacher_head_share: float = 0.5  # the teacher head's share of the teacher's probabilities
    layers: int = 2
    layer_init: str = "all-MiniLM-L6-v2"  # torch weights for the head's layers (its last ones)
    intermediate_size: int = 0  # feed-forward width of the head's layers; 0: layer_init's own
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 2e-4
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    pooling_epochs: int = 8
    pooling_learning_rate: float = 1e-3
    max_length: int = 128
    max_sentences: int = 0  # per set and split; 0: all (a smoke run sets a few)
    seed: int = 13
    threads: int = 2


def load_span_head_config(path: Path, overrides: dict[str, Any] | None = None) -> SpanHeadConfig:
    values = {**read_toml(path), **(overrides or {})}
    return build_config(SpanHeadConfig, values, path.resolve().parent, path)


class SpanHead(torch.nn.Module):
    """Hidden states in; BIO probabilities and span states (mean-poolable query vectors) out."""

    def __init__(self, hidden_states: int, dimension: int, layers: Sequence[torch.nn.Module]):
        super().__init__()
        self.tag_mix = torch.nn.Parameter(torch.zeros(hidden_states))
        self.layers = torch.nn.ModuleList(layers)
        self.classifier = torch.nn.Linear(dimension, len(LABELS))
        self.pool_mix = torch.nn.Parameter(torch.zeros(hidden_states))
        self.pool = torch.nn.Linear(dimension, dimension)
        with torch.no_grad():  # start as plain mean pooling of the mixed states
            self.pool.weight.copy_(torch.eye(dimension))
            self.pool.bias.zero_()

    @staticmethod
    def mixed(hidden: torch.Tensor, mix: torch.Tensor) -> torch.Tensor:
        """``hidden`` is (batch, hidden states, sequence, dimension)."""
        return (hidden * torch.softmax(mix, 0)[None, :, None, None]).sum(1)

    def logits(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = self.mixed(hidden, self.tag_mix)
        additive = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
        for layer in self.layers:
            states = layer(states, attention_mask=additive)
        return self.classifier(states)

    def span_states(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.pool(self.mixed(hidden, self.pool_mix))


@dataclass(frozen=True)
class SpanHeadResult:
    run_dir: Path  # a span model directory: head-fp32.onnx and its manifest
    seconds: float
    dev: dict[str, dict[str, dict[str, float]]]  # set -> strict/loose -> P/R/F1
    pooling_cosine: float  # dev: pooled span vector vs the encoder's vector of the span alone


def train_span_head(config: SpanHeadConfig, data_dir: Path) -> SpanHeadResult:
    """Train the head on ``config.encoder``'s hidden states; export it to the run directory."""
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    started = time.perf_counter()
    trunk_dir = onnx_model_dir(config.encoder, data_dir)
    trunk = TrunkFeatures(
        trunk_dir / onnx_file("fp32"), trunk_dir / TOKENIZER_FILE, config.max_length, config.threads
    )
    teacher = _teacher(config, trunk_dir)
    train = trunk(_sentences(config, "train"), teacher)
    dev = {name: trunk(_sentences(config, "dev", [name])) for name in config.sets}
    log.info("features: %d train sentences (%.0f s)", len(train), time.perf_counter() - started)
    states, dimension = train[0].hidden.shape[0], train[0].hidden.shape[2]
    head = SpanHead(states, dimension, _initial_layers(config, data_dir))
    _train_tagging(head, train, config, rng)
    scores = {name: evaluate_tagging(head, dev[name]) for name in config.sets}
    for name, found in scores.items():
        log.info("dev %s: %s", name, json.dumps(found))
    encoder = load_encoder(EncoderSettings(model=config.encoder), data_dir)
    cosine = _train_pooling(head, train, [f for fs in dev.values() for f in fs], encoder, config)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    head_path = config.output_dir / PLAIN_HEAD
    export_head(head, states, dimension, head_path)
    seconds = time.perf_counter() - started
    training = {
        "sets": list(config.sets),
        "train_sentences": len(train),
        "layers": config.layers,
        "intermediate_size": config.intermediate_size,
        "epochs": config.epochs,
        "distillation": config.distillation if config.teacher else 0.0,
        "teacher": config.teacher.name if config.teacher else None,
        "teacher_head": (
            f"{config.teacher_head.name}@{config.teacher_head_share:g}"
            if config.teacher and config.teacher_head
            else None
        ),
        "seconds": round(seconds, 1),
        "dev": scores,
        "pooling_cosine": round(cosine, 4),
    }
    # The run directory is itself a span model (spans.model = its path), as shipped ones are.
    manifest = {
        "name": config.name,
        "encoder": config.encoder,
        "encoder_fingerprint": trunk_fingerprint(trunk_dir),
        "labels": list(LABELS),
        "max_length": config.max_length,
        "hidden_states": states,
        "dimension": dimension,
        "training": training,
        "files": {PLAIN_HEAD: file_digest(head_path)},
    }
    (config.output_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    summary = {
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        **training,
    }
    (config.output_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return SpanHeadResult(config.output_dir, seconds, scores, cosine)


def _teacher(config: SpanHeadConfig, trunk_dir: Path) -> TeacherTagger | None:
    if config.teacher is None:
        if config.teacher_head is not None:
            raise ValueError("teacher_head is mixed into a teacher tagger: set teacher too")
        return None
    head = None
    if config.teacher_head is not None:
        model = load_span_model(str(config.teacher_head))
        trunk = trunk_fingerprint(trunk_dir)
        if model.encoder_fingerprint != trunk:
            raise ValueError(
                f"teacher_head {model.name!r} was trained on other weights of its encoder "
                f"({model.encoder_fingerprint}) than {config.encoder} ({trunk})"
            )
        head = model.head_file
    return TeacherTagger(config.teacher, config.threads, head, config.teacher_head_share)


def _sentences(config: SpanHeadConfig, split: str, names: Sequence[str] | None = None):
    found = []
    for name in names or config.sets:
        sentences = read_span_sets(config.data_root, [name], split)
        found += sentences[: config.max_sentences] if config.max_sentences else sentences
    return found


def _initial_layers(config: SpanHeadConfig, data_dir: Path) -> list[torch.nn.Module]:
    from transformers import AutoModel

    from skillgraph.encoders import resolve_model

    source = resolve_model(config.layer_init, data_dir).torch_dir
    if source is None:
        raise ValueError(f"{config.layer_init!r} has no torch weights to start the head from")
    base = AutoModel.from_pretrained(str(source), attn_implementation="eager")
    layers = list(base.encoder.layer)
    if not 0 < config.layers <= len(layers):
        raise ValueError(f"layers must be between 1 and {len(layers)}, got {config.layers}")
    chosen = layers[len(layers) - config.layers :]
    if config.intermediate_size:
        for layer in chosen:
            narrow_feed_forward(layer, config.intermediate_size)
    return chosen


def narrow_feed_forward(layer: Any, width: int) -> None:
    """Keep the ``width`` feed-forward units of a BERT layer that carry the most weight (norm of
    the unit's input row times that of its output column): a narrower layer starts near the
    pretrained one, and the feed-forward part is two thirds of a layer's arithmetic."""
    into: torch.nn.Linear = layer.intermediate.dense  # a transformers BertLayer's parts
    out: torch.nn.Linear = layer.output.dense
    units = into.out_features
    if not 0 < width <= units:
        raise ValueError(f"intermediate_size must be between 1 and {units}, got {width}")
    with torch.no_grad():
        weight = into.weight.norm(dim=1) * out.weight.norm(dim=0)
        kept = torch.sort(torch.topk(weight, width).indices).values
        narrow_in = torch.nn.Linear(into.in_features, width)
        narrow_in.weight.copy_(into.weight[kept])
        narrow_in.bias.copy_(into.bias[kept])
        narrow_out = torch.nn.Linear(width, out.out_features)
        narrow_out.weight.copy_(out.weight[:, kept])
        narrow_out.bias.copy_(out.bias)
    layer.intermediate.dense, layer.output.dense = narrow_in, narrow_out


def _collate(items: Sequence[SentenceFeatures]):
    width = max(len(f.ids) for f in items)
    states, dimension = items[0].hidden.shape[0], items[0].hidden.shape[2]
    hidden = torch.zeros(len(items), states, width, dimension)
    labels = torch.full((len(items), width), IGNORE, dtype=torch.long)
    teacher = torch.zeros(len(items), width, len(LABELS))
    mask = torch.zeros(len(items), width, dtype=torch.long)
    for row, f in enumerate(items):
        n = len(f.ids)
        hidden[row, :, :n] = torch.from_numpy(f.hidden.astype(np.float32))
        labels[row, :n] = torch.from_numpy(f.labels)
        if f.teacher is not None:
            teacher[row, :n] = torch.from_numpy(f.teacher.astype(np.float32))
        mask[row, :n] = 1
    return hidden, labels, teacher, mask


def _batches(items: Sequence[SentenceFeatures], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding)."""
    order = sorted(range(len(items)), key=lambda i: len(items[i].ids) + rng.random() * 8)
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


def _train_tagging(
    head: SpanHead, train: Sequence[SentenceFeatures], config: SpanHeadConfig, rng: random.Random
) -> None:
    parameters = [p for name, p in head.named_parameters() if not name.startswith("pool")]
    optimizer = torch.optim.AdamW(
        parameters, lr=config.learning_rate, weight_decay=config.weight_decay
    )
    total = config.epochs * -(-len(train) // config.batch_size)
    warmup = max(1, int(total * config.warmup_ratio))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    distil = config.distillation if all(f.teacher is not None for f in train) else 0.0
    for epoch in range(config.epochs):
        head.train()
        losses = []
        for batch in _batches(train, config.batch_size, rng):
            hidden, labels, teacher, mask = _collate([train[i] for i in batch])
            logits = head.logits(hidden, mask)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, len(LABELS)), labels.reshape(-1), ignore_index=IGNORE
            )
            if distil:
                valid = labels >= 0
                soft = -(teacher * torch.log_softmax(logits, -1)).sum(-1)[valid].mean()
                loss = (1 - distil) * loss + distil * soft
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
        log.info("tagging epoch %d: loss %.4f", epoch + 1, float(np.mean(losses)))


def head_probabilities(head: SpanHead, items: Sequence[SentenceFeatures]) -> list[np.ndarray]:
    head.eval()
    found = []
    with torch.no_grad():
        for start in range(0, len(items), 128):
            chunk = items[start : start + 128]
            hidden, _, _, mask = _collate(chunk)
            probabilities = torch.softmax(head.logits(hidden, mask), -1).numpy()
            found += [probabilities[row, : len(f.ids)] for row, f in enumerate(chunk)]
    return found


def evaluate_tagging(
    head: SpanHead, items: Sequence[SentenceFeatures]
) -> dict[str, dict[str, float]]:
    """Strict and loose span-F1 at the span sets' token level, decoded as at run time."""
    predicted = []
    for f, probabilities in zip(items, head_probabilities(head, items), strict=True):
        spans = decode_spans(f.text, probabilities, f.offsets, f.word_ids)
        predicted.append(token_spans(f.sentence.tokens, [(s.start, s.end) for s in spans]))
    scores = span_f1([bio_spans(f.sentence.tags) for f in items], predicted)
    return {kind: s.as_dict() for kind, s in scores.items()}


def _pooling_items(items: Sequence[SentenceFeatures]) -> tuple[np.ndarray, list[str]]:
    """Mean hidden states (hidden states x dimension) over each gold span and phrase, and the
    text of each: what the pooled vectors are trained to stand in for."""
    pooled, texts = [], []
    for f in items:
        ranges = []
        for first, last in bio_spans(f.sentence.tags):
            start = f.token_starts[first]
            ranges.append((start, f.token_starts[last - 1] + len(f.sentence.tokens[last - 1])))
        ranges += [(p.start, p.end) for p in phrases(Sentence(f.text, 0, len(f.text)))]
        for start, end in ranges:
            inside = [
                i
                for i, (a, b) in enumerate(f.offsets)
                if f.word_ids[i] is not None and a < end and start < b
            ]
            if inside:
                pooled.append(f.hidden[:, inside].astype(np.float32).mean(axis=1))
                texts.append(f.text[start:end])
    return np.stack(pooled), texts


def _train_pooling(head, train, dev, encoder, config: SpanHeadConfig) -> float:
    """Fit the pooling mix and affine map (cosine to the encoder's vectors); the dev cosine."""
    x, texts = _pooling_items(train)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(encoder.encode(texts))
    parameters = [head.pool_mix, *head.pool.parameters()]
    optimizer = torch.optim.Adam(parameters, lr=config.pooling_learning_rate)
    generator = torch.Generator().manual_seed(config.seed)

    def predicted(batch: torch.Tensor) -> torch.Tensor:
        mixed = (batch * torch.softmax(head.pool_mix, 0)[None, :, None]).sum(1)
        return torch.nn.functional.normalize(head.pool(mixed), dim=-1)

    for epoch in range(config.pooling_epochs):
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(order), 256):
            chosen = order[start : start + 256]
            loss = (1 - (predicted(inputs[chosen]) * targets[chosen]).sum(-1)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        log.info("pooling epoch %d: cosine %.4f", epoch + 1, 1 - loss.item())
    x, texts = _pooling_items(dev)
    with torch.no_grad():
        cosine = (predicted(torch.from_numpy(x)) * torch.from_numpy(encoder.encode(texts))).sum(-1)
    return float(cosine.mean())


class _Exported(torch.nn.Module):
    """The head as the runtime graph calls it: hidden_0 .. hidden_L and the attention mask."""

    def __init__(self, head: SpanHead) -> None:
        super().__init__()
        self.head = head

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        *hidden, mask = inputs
        stacked = torch.stack(hidden, dim=1)
        probabilities = torch.softmax(self.head.logits(stacked, mask), dim=-1)
        return probabilities, self.head.span_states(stacked)


def export_head(head: SpanHead, states: int, dimension: int, path: Path) -> None:
    import warnings

    from skillgraph.reader.graph import MASK, PROBABILITIES, SPAN_STATES, hidden_name

    head.eval()
    names = [hidden_name(i) for i in range(states)]
    sample = (*(torch.randn(2, 5, dimension) for _ in names), torch.ones(2, 5, dtype=torch.long))
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter is chatty
        torch.onnx.export(
            _Exported(head),
            sample,
            str(path),
            input_names=[*names, MASK],
            output_names=[PROBABILITIES, SPAN_STATES],
            dynamic_axes={name: axes for name in [*names, MASK, PROBABILITIES, SPAN_STATES]},
            opset_version=17,
            dynamo=False,
        )
