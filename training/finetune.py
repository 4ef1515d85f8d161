"""Contrastive fine-tuning of a sentence-transformers encoder on (text -> ESCO skill) pairs.

Each batch holds distinct texts and distinct skills; the loss is multiple-negatives ranking
(InfoNCE): a text must score its skill's preferred label above every other skill label in the
batch and above its sampled hard negatives. Seeds fix the data order, the negatives and the
initial state, so a run is reproducible on the same machine. After every epoch the model is
scored on the validation sets with the product's own ranking path (phrases included).
With ``finetuned_weight`` below 1 the final weights are averaged with the start model's
(``training/interpolation.py``); ``interpolate_run`` does the same to a finished run.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ontology import EscoTaxonomy
from skillgraph.encoders import resolve_model
from skillgraph.encoders.torch_encoder import TorchEncoder
from skillgraph.index import build_index_in_memory
from skillgraph.runtime import SkillGraph
from training.evaluation import RankingScores, evaluate_ranking, load_benchmark
from training.interpolation import InterpolationError, interpolate_weights
from training.negatives import NegativeSampler
from training.pairs import TrainingPair
from training.train_config import TrainConfig

log = logging.getLogger(__name__)
FINETUNED_DIR = "finetuned"  # a run's weights as trained, when its model is an average


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    steps: int
    loss: float
    scores: dict[str, dict[str, float]]  # benchmark file -> RP@5/RP@10/MRR


@dataclass(frozen=True)
class TrainResult:
    model_dir: Path
    epochs: list[EpochReport]
    pairs: int
    seconds: float


@dataclass(frozen=True)
class InterpolationResult:
    model_dir: Path
    name: str  # the training run's config name
    scores: dict[str, dict[str, float]]  # benchmark file -> RP@5/RP@10/MRR of the average


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(
    config: TrainConfig,
    taxonomy: EscoTaxonomy,
    pairs: Sequence[TrainingPair],
    data_dir: Path,
    show_progress: bool = True,
) -> TrainResult:
    """Fine-tune ``config.base_model`` on ``pairs``; the result is in ``output_dir/model``."""
    started = time.perf_counter()
    seed_everything(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    source = resolve_model(config.base_model, data_dir)
    if source.torch_dir is None:
        raise ValueError(f"base model {config.base_model!r} has no sentence-transformers weights")
    model = _load_model(source.torch_dir)
    model.max_seq_length = config.max_seq_length
    output = config.output_dir
    output.mkdir(parents=True, exist_ok=True)

    gold: dict[str, set[str]] = {}
    for pair in pairs:
        gold.setdefault(pair.text, set()).add(pair.skill_uri)
    frozen_gold = {text: frozenset(uris) for text, uris in gold.items()}
    sampler = NegativeSampler(
        config.negatives, taxonomy, frozen_gold, config.negative_count, seed=config.seed
    )
    labels = {uri: _skill_text(taxonomy, uri) for uri in {p.skill_uri for p in pairs}}
    steps_per_epoch = sum(1 for _ in _batches(pairs, frozen_gold, config.batch_size, 0))
    total_steps = steps_per_epoch * config.epochs
    if config.max_steps:
        total_steps = min(total_steps, config.max_steps)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    scheduler = _warmup_linear(optimizer, int(config.warmup_ratio * total_steps), total_steps)

    reports: list[EpochReport] = []
    step = 0
    for epoch in range(1, config.epochs + 1):
        if step >= total_steps:
            break
        if sampler.needs_mining:
            model.eval()
            sampler.mine(_encoder(model, config, step), list(frozen_gold))
        model.train()
        losses = []
        batches = _batches(pairs, frozen_gold, config.batch_size, config.seed + epoch)
        bar = tqdm(
            batches,
            total=steps_per_epoch,
            desc=f"epoch {epoch}",
            unit="batch",
            disable=not show_progress,
        )
        for batch in bar:
            loss = _step(model, batch, labels, sampler, config.scale, taxonomy)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            step += 1
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}")
            if not show_progress and step % 100 == 0:
                log.info("step %d/%d: loss %.4f", step, total_steps, np.mean(losses[-100:]))
            if config.checkpoint_every and step % config.checkpoint_every == 0:
                model.save(str(output / "checkpoints" / f"step-{step}"))
            if step >= total_steps:
                break
        bar.close()
        model.eval()
        scores = _evaluate(model, config, taxonomy, step)
        reports.append(EpochReport(epoch, step, float(np.mean(losses)) if losses else 0.0, scores))
        log.info("epoch %d: loss %.4f, %s", epoch, reports[-1].loss, scores)

    interpolation = None
    if config.finetuned_weight < 1.0:
        trained = output / FINETUNED_DIR
        model.save(str(trained))  # as trained, to interpolate again later
        start = _load_model(source.torch_dir)
        interpolation = _interpolate(model, start, config, taxonomy, str(trained))
    model_dir = output / "model"
    model.save(str(model_dir))
    result = TrainResult(model_dir, reports, len(pairs), time.perf_counter() - started)
    summary = {
        "config": _jsonable(asdict(config)),
        "pairs": len(pairs),
        "epochs": [asdict(r) for r in reports],
        "seconds": round(result.seconds, 1),
    }
    if interpolation:
        summary["interpolation"] = interpolation
    _write_summary(output, summary)
    return result


def interpolate_run(
    run_dir: Path,
    finetuned_weight: float,
    output: Path,
    taxonomy: EscoTaxonomy,
    data_dir: Path,
    evaluate: bool = True,
) -> InterpolationResult:
    """A new run in ``output`` whose model is ``run_dir``'s trained weights averaged with the
    model that run started from (WiSE-FT).

    The summary is the original run's, with the weight and (``evaluate``) the validation scores
    of the averaged model under ``interpolation``.
    """
    summary_path = run_dir / "summary.json"
    if not summary_path.is_file():
        raise InterpolationError(f"{run_dir} is not a training run: it has no summary.json")
    summary = json.loads(summary_path.read_text())
    # A run trained with finetuned_weight < 1 keeps its raw weights apart from the averaged ones.
    trained = run_dir / FINETUNED_DIR
    if not trained.is_dir():
        if "interpolation" in summary:
            raise InterpolationError(f"{run_dir} holds an averaged model without its raw weights")
        trained = run_dir / "model"
    if not (trained / "config.json").is_file():
        raise InterpolationError(f"{trained} holds no trained sentence-transformers model")
    raw = summary["config"]
    eval_sets = tuple(Path(p) for p in raw["eval_sets"]) if evaluate else ()
    for path in eval_sets:
        if not path.is_file():  # the run was trained where ../shared lay elsewhere
            log.warning("validation set %s not found: not scored", path)
    config = TrainConfig(
        name=raw["name"],
        output_dir=output,
        base_model=raw["base_model"],
        max_seq_length=raw["max_seq_length"],
        eval_sets=tuple(p for p in eval_sets if p.is_file()),
        finetuned_weight=finetuned_weight,
    )
    source = resolve_model(config.base_model, data_dir)
    if source.torch_dir is None:
        raise InterpolationError(f"start model {config.base_model!r} has no torch weights")
    model = _load_model(trained)
    start = _load_model(source.torch_dir)
    interpolation = _interpolate(model, start, config, taxonomy, str(trained))
    model_dir = output / "model"
    model.save(str(model_dir))
    summary["config"] |= {"output_dir": str(output), "finetuned_weight": finetuned_weight}
    summary["interpolation"] = interpolation
    _write_summary(output, summary)
    return InterpolationResult(model_dir, config.name, interpolation["scores"])


def _load_model(directory: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(directory), device="cpu", local_files_only=True)


def _interpolate(model, start, config: TrainConfig, taxonomy, trained: str) -> dict:
    interpolate_weights(model, start, config.finetuned_weight)
    model.eval()
    scores = _evaluate(model, config, taxonomy, f"wise-{config.finetuned_weight}")
    log.info("averaged with the start model at %s: %s", config.finetuned_weight, scores)
    return {
        "trained": trained,
        "start": str(config.base_model),
        "finetuned_weight": config.finetuned_weight,
        "scores": scores,
    }


def _write_summary(output: Path, summary: dict) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


def _step(model, batch, labels, sampler, scale, taxonomy) -> torch.Tensor:
    """Multiple-negatives ranking loss for one batch, with sampled hard negatives appended."""
    anchors = [p.text for p in batch]
    candidates = [labels[p.skill_uri] for p in batch]
    for pair in batch:
        candidates.extend(_skill_text(taxonomy, uri) for uri in sampler.negatives(pair.text))
    anchor_vectors = _embed(model, anchors)
    candidate_vectors = _embed(model, candidates)
    logits = scale * anchor_vectors @ candidate_vectors.T
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))


def _embed(model, texts: list[str]) -> torch.Tensor:
    features = model.preprocess(texts)
    vectors = model(features)["sentence_embedding"]
    return torch.nn.functional.normalize(vectors, dim=-1)


def _batches(
    pairs: Sequence[TrainingPair], gold: dict[str, frozenset[str]], size: int, seed: int
) -> Iterator[list[TrainingPair]]:
    """Batches in a seeded order where no text's gold skill is another text's positive.

    Otherwise the loss would push a text away from one of its own skills (a false negative).
    A pair that collides waits for the next batch; collisions are rare, so each pair is looked
    at a few times at most.
    """
    order = list(pairs)
    random.Random(seed).shuffle(order)
    queue = deque(order)
    waiting: deque[TrainingPair] = deque()
    while queue or waiting:
        batch: list[TrainingPair] = []
        texts: set[str] = set()
        skills: set[str] = set()
        blocked: set[str] = set()  # gold skills of the texts already in the batch
        retry, waiting = waiting, deque()
        for source in (retry, queue):
            while source and len(batch) < size:
                pair = source.popleft()
                if (
                    pair.text in texts
                    or pair.skill_uri in skills
                    or pair.skill_uri in blocked
                    or gold[pair.text] & skills
                ):
                    waiting.append(pair)
                    continue
                batch.append(pair)
                texts.add(pair.text)
                skills.add(pair.skill_uri)
                blocked |= gold[pair.text]
        waiting.extend(retry)  # whatever the batch had no room for
        if len(batch) < 2:
            if waiting:
                log.debug("%d pairs left out of this epoch (they only collide)", len(waiting))
            return
        yield batch


def _skill_text(taxonomy: EscoTaxonomy, uri: str) -> str:
    skill = taxonomy.skill(uri)
    return skill.preferred_label or (skill.alt_labels[0] if skill.alt_labels else uri)


def _encoder(model, config: TrainConfig, tag: int | str) -> TorchEncoder:
    return TorchEncoder(model, f"{config.name}@{tag}", fingerprint=f"step-{tag}", batch_size=128)


def _evaluate(model, config: TrainConfig, taxonomy: EscoTaxonomy, tag: int | str):
    if not config.eval_sets:
        return {}
    encoder = _encoder(model, config, tag)
    index = build_index_in_memory(taxonomy, encoder)
    extractor = SkillGraph.ranking_only(taxonomy, encoder, index).extractor

    def rank(sentences, depth):
        found = extractor.rank_sentences(sentences, depth)
        return [[c.skill_uri for c in candidates] for candidates in found]

    scores: dict[str, dict[str, float]] = {}
    for path in config.eval_sets:
        result: RankingScores = evaluate_ranking(rank, load_benchmark(path, taxonomy))
        scores[path.stem] = result.as_percentages()
    return scores


def _warmup_linear(optimizer, warmup: int, total: int):
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, Path) else value
