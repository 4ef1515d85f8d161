"""The settings profiles side by side: ranking (RP@5/RP@10/MRR), posting-level skill sets and
speed, every figure from the same run. Writes the "profiles" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/profiles.py
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.extraction import SPAN_SETS, span_scores
from benchmarks.report import BENCH_DIR, SHARED, table, write_section
from skillgraph import SkillGraph, load_settings, load_taxonomy
from skillgraph.profiles import PROFILES
from training.evaluation import evaluate_ranking, load_benchmark
from training.postings import assemble_ads, read_postings, set_counts

RANKING_SETS = {
    "HOUSE validation": "house_validation.jsonl",
    "TECH validation": "tech_validation.jsonl",
    "HOUSE test": "house_test.jsonl",
}
ROUNDS = 3  # timed passes over the ads per profile, interleaved; the best is reported


def ranking_row(graph: SkillGraph, sets: dict) -> list[object]:
    def rank(sentences, depth):
        found = graph.extractor.rank_sentences(sentences, depth)
        return [[c.skill_uri for c in candidates] for candidates in found]

    row: list[object] = []
    for sentences in sets.values():
        scores = evaluate_ranking(rank, sentences).as_percentages()
        row += [scores["RP@5"], scores["RP@10"], scores["MRR"]]
    return row


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    taxonomy = load_taxonomy(load_settings())
    sets = {name: load_benchmark(BENCH_DIR / f, taxonomy) for name, f in RANKING_SETS.items()}
    postings = read_postings(SHARED / "data" / "train" / "skillspan" / "dev.json")
    house = [p for p in postings if p[0].source == "house"]
    bench = load_benchmark(BENCH_DIR / "house_test.jsonl", taxonomy, include_empty=True)
    ads = assemble_ads(house, bench, taxonomy, "house-test")
    texts = [ad.text for ad in ads]
    graphs = {
        name: SkillGraph.load(load_settings(overrides={"profile": name}), taxonomy=taxonomy)
        for name in PROFILES
    }
    quality, found = {}, {}
    spans: dict[str, list[float]] = {}
    for name, graph in graphs.items():
        quality[name] = ranking_row(graph, sets)
        spans[name] = [row[4] for row in span_scores(graph)]  # strict F1 per span set
        graph.extractor.extract_many(texts[:2])  # warm-up: sessions, and a seed on first use
        logging.info("%s ranking: %s", name, quality[name])
    best = {name: float("inf") for name in graphs}
    for _ in range(ROUNDS):  # interleaved, so that a noisy spell hits every profile
        for name, graph in graphs.items():
            graph.extractor.clear_cache()
            started = time.perf_counter()
            found[name] = [graph.extractor.extract(text) for text in texts]
            best[name] = min(best[name], time.perf_counter() - started)
    reference = len(texts) / best["fast"]
    rows = []
    gold = [ad.gold for ad in ads]
    for name in graphs:
        counts = set_counts([[m.uri for m in skills] for skills in found[name]], gold)
        rate = len(texts) / best[name]
        rows.append(
            [
                f"`{name}`",
                *quality[name],
                *spans[name],
                *counts.percentages(),
                round(counts.predicted / len(ads), 1),
                round(rate, 2),
                f"{rate / reference:.2f}x",
            ]
        )
    header = ["profile"] + [f"{s} {m}" for s in RANKING_SETS for m in ("RP@5", "RP@10", "MRR")]
    header += [f"{name} dev span-F1" for name in SPAN_SETS]
    header += ["posting P", "posting R", "posting F1", "skills/ad", "ads/s", "vs fast"]
    described = "\n".join(
        f"- `{p.name}`: {p.description}"
        + (f" ({', '.join(f'`{k}={v}`' for k, v in p.settings.items())})" if p.settings else "")
        for p in PROFILES.values()
    )
    body = (
        "## Profiles\n\n"
        f"{described}\n\n"
        "Ranking: `--top-k` protocol as in the quality section. Spans: strict span-F1 on the "
        "span sets' dev splits, as in the extraction section. Posting level: the "
        f"{len(ads)} held-out HOUSE test ads of the extraction section, default extraction mode; "
        f"speed is one ad at a time, one process, best of {ROUNDS} interleaved passes with the "
        "sentence cache cleared, as a ratio to `fast` in the same run. The memory's parameters "
        "were tuned on the validation sets (their figures are tuned figures); HOUSE test is "
        "held out.\n\n" + table(header, rows)
    )
    write_section("profiles", "python benchmarks/profiles.py", body)
    print(body)


if __name__ == "__main__":
    main()
