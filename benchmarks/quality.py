"""Ranking quality (RP@5, RP@10, MRR) per encoder and scoring variant, and the extraction-mode
threshold chosen on the validation sets. Writes the "quality" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/quality.py [--quick]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import BENCH_DIR, table, write_section
from skillgraph import SkillGraph, load_settings, load_taxonomy
from skillgraph.encoders import BASE_MODEL
from training.evaluation import (
    evaluate_ranking,
    load_benchmark,
    set_scores,
    unmapped_labels,
)

SETS = {
    "HOUSE test": "house_test.jsonl",
    "HOUSE validation": "house_validation.jsonl",
    "TECH validation": "tech_validation.jsonl",
}
VARIANTS = [
    ("ONNX fp32, labels, re-ranked (default)", {}),
    ("ONNX fp32, labels, cosine order (no re-ranker)", {"extraction.reranker": ""}),
    ("ONNX fp32, labels, whole sentences only (no phrases)", {"extraction.phrase_weight": 0.0}),
    ("ONNX fp32, labels, exact index", {"index.kind": "exact"}),
    (
        "ONNX fp32, labels + descriptions (weight 1.0)",
        {"extraction.description_weight": 1.0, "index.kind": "exact"},
    ),
    (
        "ONNX fp32, labels + descriptions (weight 0.9)",
        {"extraction.description_weight": 0.9, "index.kind": "exact"},
    ),
    ("ONNX int8, labels", {"encoder.precision": "int8"}),
    # The shipped default has no torch weights; torch/ONNX parity is a test (test_encoders.py).
    (
        f"base {BASE_MODEL}, ONNX fp32, labels, phrase weight 0.85 (its best)",
        {"encoder.model": BASE_MODEL, "extraction.phrase_weight": 0.85},
    ),
]
THRESHOLDS = np.round(np.arange(0.30, 0.951, 0.01), 2)


def ranking_table(taxonomy, variants) -> tuple[str, SkillGraph]:
    rows = []
    default_graph = None
    base = load_settings()
    for name, overrides in variants:
        graph = SkillGraph.load(base.replace(overrides), taxonomy=taxonomy)
        default_graph = default_graph or graph
        row = [name]
        for file in SETS.values():
            sentences = load_benchmark(BENCH_DIR / file, taxonomy)
            scores = evaluate_ranking(_ranker(graph), sentences).as_percentages()
            row += [scores["RP@5"], scores["RP@10"], scores["MRR"]]
        rows.append(row)
        logging.info("%s: %s", name, row[1:])
    header = ["variant"] + [f"{s} {m}" for s in SETS for m in ("RP@5", "RP@10", "MRR")]
    return table(header, rows), default_graph


def _ranker(graph: SkillGraph):
    def rank(sentences, depth):
        found = graph.extractor.rank_sentences(sentences, depth)
        return [[c.skill_uri for c in candidates] for candidates in found]

    return rank


def threshold_section(graph: SkillGraph) -> str:
    """Pick the extraction threshold for best micro F1 on HOUSE+TECH validation (set protocol)."""
    taxonomy = graph.taxonomy

    def predictions(file):
        sentences = load_benchmark(BENCH_DIR / file, taxonomy, include_empty=True)
        found = graph.extractor.rank_sentences([s.sentence for s in sentences], 30)
        return sentences, [[(c.skill_uri, c.score) for c in cands] for cands in found]

    validation = [predictions(SETS["HOUSE validation"]), predictions(SETS["TECH validation"])]
    sentences = [s for v in validation for s in v[0]]
    predicted = [p for v in validation for p in v[1]]
    sweep = set_scores(predicted, sentences, THRESHOLDS)
    best = max(sweep, key=lambda s: s.f1)
    test_sentences, test_predicted = predictions(SETS["HOUSE test"])
    (test,) = set_scores(test_predicted, test_sentences, [best.threshold])
    current = graph.settings.extraction.min_score
    rows = [
        ["HOUSE+TECH validation", best.threshold, *_prf(best)],
        ["HOUSE test", best.threshold, *_prf(test)],
    ]
    return (
        f"Extraction mode keeps skills scoring at least a threshold. Chosen on HOUSE+TECH "
        f"validation for best micro F1 (sentence level, `LABEL NOT PRESENT`/`UNDERSPECIFIED` "
        f'sentences count as "no skill"): **{best.threshold:.2f}** '
        f"(configured default: {current:.2f}).\n\n"
        + table(["set", "threshold", "precision", "recall", "F1"], rows)
    )


def _prf(scores) -> list[float]:
    return [
        round(100 * scores.precision, 1),
        round(100 * scores.recall, 1),
        round(100 * scores.f1, 1),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="default variant only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    taxonomy = load_taxonomy(load_settings())
    variants = VARIANTS[:1] if args.quick else VARIANTS
    ranking, graph = ranking_table(taxonomy, variants)
    sentences = [s for f in SETS.values() for s in load_benchmark(BENCH_DIR / f, taxonomy)]
    missing = unmapped_labels(sentences, taxonomy)
    body = (
        "## Ranking quality (sentence -> ESCO, standard protocol)\n\n"
        "RP@K and MRR as defined in `../shared/data/bench/skill-extraction` (RP in %). "
        f"ESCO {taxonomy.release.version}; gold labels are v1.1.0 preferred labels mapped by "
        f"label, {len(missing)} of them match no {taxonomy.release.version} skill and count "
        "as misses. Rankings are cut at 100 skills for MRR.\n\n"
        "Floor to reproduce (plain MiniLM over v1.2.0 preferred + alt labels, HOUSE test): "
        "RP@5 37.0, RP@10 46.3, MRR .339.\n\n"
        + ranking
        + "\n\n## Extraction threshold\n\n"
        + threshold_section(graph)
    )
    write_section("quality", "python benchmarks/quality.py", body)
    print(body)


if __name__ == "__main__":
    main()
