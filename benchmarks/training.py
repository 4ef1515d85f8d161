"""The negative-sampling ablation and the shipped model's precision check.

For the base model (zero-shot) and every trained run directory given, scores RP@5/RP@10/MRR on
HOUSE test and both validation sets through the product's ranking path (phrases included, exact
index over preferred + alt labels). For the shipped model it also compares the expanded ONNX
fp32 and int8 files. Writes the "training" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/training.py runs/ablation-in-batch runs/ablation-siblings ...
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import BENCH_DIR, table, write_section
from skillgraph import load_settings, load_taxonomy
from skillgraph.config import ExtractionSettings
from skillgraph.encoders import BASE_MODEL, load_encoder, shipped_models
from skillgraph.extractor import SkillExtractor
from skillgraph.index import build_index_in_memory, load_or_build_index
from skillgraph.retrieval import SkillRetriever
from skillgraph.runtime import index_cache_dir
from skillgraph.segmentation import Segmenter
from training.evaluation import evaluate_ranking, load_benchmark

SETS = {
    "HOUSE test": "house_test.jsonl",
    "HOUSE val": "house_validation.jsonl",
    "TECH val": "tech_validation.jsonl",
}
log = logging.getLogger("training-benchmark")


def score(encoder, taxonomy, index=None) -> list[float]:
    index = index or build_index_in_memory(taxonomy, encoder)
    extractor = SkillExtractor(
        taxonomy, encoder, SkillRetriever(index), Segmenter(), ExtractionSettings()
    )

    def rank(sentences, depth):
        found = extractor.rank_sentences(sentences, depth)
        return [[c.skill_uri for c in candidates] for candidates in found]

    row = []
    for file in SETS.values():
        scores = evaluate_ranking(rank, load_benchmark(BENCH_DIR / file, taxonomy))
        row += list(scores.as_percentages().values())
    log.info("%s: %s", encoder.name, row)
    return row


def run_label(run: Path) -> str:
    summary = json.loads((run / "summary.json").read_text())
    config = summary["config"]
    steps = summary["epochs"][-1]["steps"] if summary["epochs"] else 0
    negatives = config["negatives"]
    if negatives != "in-batch":
        negatives += f" x{config['negative_count']}"
    return (
        f"{config['name']}: negatives {negatives}, {steps} steps of "
        f"{config['batch_size']}, {summary['pairs']} pairs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs", nargs="*", type=Path, help="run directories (with model/)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    taxonomy = load_taxonomy(settings)
    header = ["model"] + [f"{s} {m}" for s in SETS for m in ("RP@5", "RP@10", "MRR")]

    # Every model as the product runs it (ONNX, its index cached in the data dir, so a re-run
    # only scores), with the plain retriever: no example memory, no span model.
    def scored(model: str, precision: str = "fp32") -> list[float]:
        encoder_settings = replace(settings.encoder, model=model, precision=precision)
        encoder = load_encoder(encoder_settings, settings.data_dir)
        index = load_or_build_index(taxonomy, encoder, settings.index, index_cache_dir(settings))
        return score(encoder, taxonomy, index)

    rows = [[f"{BASE_MODEL} zero-shot", *scored(BASE_MODEL)]]
    for run in args.runs:
        rows.append([run_label(run), *scored(str(run / "model"))])
    body = (
        "## Encoder training: negative sampling ablation\n\nRP in %, product ranking path "
        "(sentence + phrase queries, preferred + alt labels). Validation sets steer "
        "training; HOUSE test is only measured here.\n\n" + table(header, rows)
    )

    precision_rows = []
    for model in shipped_models():
        for precision in ("fp32", "int8"):
            precision_rows.append([f"{model} ONNX {precision}", *scored(model, precision)])
    if precision_rows:
        body += (
            "\n\n### Shipped model: ONNX fp32 vs int8\n\nThe shipped file stores int8 "
            "weights; `skillgraph setup` expands it into fp32 (the default runtime) and "
            "dynamic int8.\n\n" + table(header, precision_rows)
        )
    write_section(
        "training", "python benchmarks/training.py " + " ".join(map(str, args.runs)), body
    )
    print(body)


if __name__ == "__main__":
    main()
