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

from benchmarks.report import BENCH_DIR, commit, table, write_section
from skillgraph import load_settings, load_taxonomy
from skillgraph.config import ExtractionSettings
from skillgraph.encoders import BASE_MODEL, load_encoder, shipped_models
from skillgraph.index import load_or_build_index
from skillgraph.runtime import SkillGraph, index_cache_dir
from training.evaluation import evaluate_ranking, load_benchmark

SETS = {
    "HOUSE test": "house_test.jsonl",
    "HOUSE val": "house_validation.jsonl",
    "TECH val": "tech_validation.jsonl",
}
ABLATION_PHRASE_WEIGHT = 0.85
RESULTS = Path(__file__).resolve().parent / "results" / "training.json"
log = logging.getLogger("training-benchmark")


def score(encoder, taxonomy, index) -> list[float]:
    # One fixed ranking path for every row, kept ones included (the default phrase weight
    # was re-chosen for the trained encoder afterwards: docs/model-card.md).
    settings = ExtractionSettings(phrase_weight=ABLATION_PHRASE_WEIGHT)
    extractor = SkillGraph.ranking_only(taxonomy, encoder, index, settings).extractor

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
    start = config["base_model"]
    if "/" in start:  # a later stage starts from an earlier run's model (<run>/model): name the run
        start = Path(start).parent.name
    start = "" if start == BASE_MODEL else f", from {start}"
    if "interpolation" in summary:
        weight = summary["interpolation"]["finetuned_weight"]
        start += f", averaged with its start model at {weight} (WiSE-FT)"
    return (
        f"{config['name']}: negatives {negatives}, {steps} steps of "
        f"{config['batch_size']}, {summary['pairs']} pairs{start}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs", nargs="*", type=Path, help="run directories (with model/)")
    parser.add_argument(
        "--forget", action="store_true", help="drop the rows kept from earlier measurements"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    taxonomy = load_taxonomy(settings)
    header = ["model", *(f"{s} {m}" for s in SETS for m in ("RP@5", "RP@10", "MRR")), "commit"]

    # Every model as the product runs it (ONNX, its index cached in the data dir, so a re-run
    # only scores), with the plain retriever: no example memory, no span model.
    def scored(model: str, precision: str = "fp32") -> list[object]:
        encoder_settings = replace(settings.encoder, model=model, precision=precision)
        encoder = load_encoder(encoder_settings, settings.data_dir)
        index = load_or_build_index(taxonomy, encoder, settings.index, index_cache_dir(settings))
        return [*score(encoder, taxonomy, index), commit()]

    # A 150-step run costs a quarter of an hour of CPU: rows of runs not given this time are
    # kept from their last measurement, with the commit they were measured at.
    kept = {} if args.forget or not RESULTS.is_file() else json.loads(RESULTS.read_text())
    base = [f"{BASE_MODEL} zero-shot", *scored(BASE_MODEL)]
    runs = kept.get("runs", {}) | {run_label(run): scored(str(run / "model")) for run in args.runs}
    body = (
        "## Encoder training: negative sampling ablation\n\nRP in %, product ranking path "
        f"(sentence + phrase queries at weight {ABLATION_PHRASE_WEIGHT}, preferred + alt "
        "labels, ONNX fp32). Validation sets steer training; HOUSE test is only measured "
        "here. Rows of runs not re-scored keep the "
        "figures of the commit named (`benchmarks/results/training.json`).\n\n"
        + table(header, [base, *([k, *v] for k, v in sorted(runs.items()))])
    )

    shipped = {
        f"{model} ONNX {precision}": scored(model, precision)
        for model in shipped_models()
        for precision in ("fp32", "int8")
    }
    if shipped:
        body += (
            "\n\n### Shipped model: int8 weights, fp32 and int8 compute\n\nThe shipped file "
            "stores int8 weights (per output channel); `skillgraph setup` expands it into fp32 "
            "compute (the default runtime) and per-token int8 (weights and activations). Compare "
            "with the run it was packed from above.\n\n"
            + table(header, [[k, *v] for k, v in shipped.items()])
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"runs": runs, "shipped": shipped}, indent=1) + "\n")
    write_section(
        "training", "python benchmarks/training.py " + " ".join(map(str, args.runs)), body
    )
    print(body)


if __name__ == "__main__":
    main()
