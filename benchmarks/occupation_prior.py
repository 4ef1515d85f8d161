"""Does the ad's occupation help extraction? A prior that moves the extracted skills towards
the occupation's profile (its essential skills, and its optional ones at half weight), measured
on validation material only. Prints the tables of the hand-kept subsection "Occupation prior"
in docs/benchmarks.md; nothing is written.

    .venv/bin/python benchmarks/occupation_prior.py

Protocol:
- *Posting level* (the default extraction mode): the validation ads of the calibration
  (:func:`training.calibration_data.validation_ads`: SkillSpan train postings with the HOUSE and
  TECH validation sentences in place of their span sentences). The title is the first line of
  the host posting; its occupation is matched as ``extract --title-column`` matches it (the
  extracted skills voting). The prior adds ``w`` (essential) or ``w / 2`` (optional) to a
  candidate's calibrated log-odds, and optionally takes ``penalty`` from skills the occupation
  does not list; the calibrated threshold then decides. ``w = 0`` is the shipped extraction
  (checked: the same skills as ``extract_many``). Micro P/R/F1 against the ads' gold.
  Diagnostic rows take the occupation from the ad's own skills instead of its title (the one
  whose profile holds the largest share of them), since the inserted sentences come from other
  postings than the title's.
- *Sentence level* (the ranking mode): the HOUSE/TECH validation sentences found in a SkillSpan
  train/dev posting, the posting's first line as title; ``alpha`` is added to an essential
  skill's cosine (half to an optional one) before ranking. RP@5, RP@10, MRR.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import BENCH_DIR, SHARED, table
from ontology import EscoTaxonomy
from skillgraph import SkillGraph, load_settings
from skillgraph.occupations import posting_occupations
from training.calibration_data import VALIDATION, CalibrationSources, validation_ads
from training.evaluation import load_benchmark, score_rankings
from training.postings import AssembledAd, read_postings, set_counts

SKILLSPAN = SHARED / "data" / "train" / "skillspan"
WEIGHTS = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0]
PENALTIES = [0.0, 0.5]
ALPHAS = [0.0, 0.01, 0.02, 0.03, 0.05, 0.1]
log = logging.getLogger("benchmarks.occupation_prior")

Bonus = Callable[[str], float]


def host_titles(ads: Sequence[AssembledAd]) -> list[str]:
    """Each ad's title: the first line of the SkillSpan posting it was assembled from (ads are
    numbered by their host's position among the source's postings)."""
    postings = read_postings(SKILLSPAN / "train.json")
    hosts = {}
    for source in VALIDATION:
        chosen = [p for p in postings if p[0].source == source]
        hosts.update({f"{source}-validation-{n}": p for n, p in enumerate(chosen)})
    return [" ".join(hosts[ad.id][0].tokens) for ad in ads]


def candidate_probabilities(graph: SkillGraph, texts: Sequence[str]) -> list[dict[str, float]]:
    """Per text, each candidate skill's best calibrated probability over its sentences."""
    extractor = graph.extractor
    spans = extractor.spans
    assert spans is not None and spans.calibrator is not None
    per_text = list(extractor.segmenter.split_many(texts))
    proposals = spans.proposals([s for sentences in per_text for s in sentences])
    facts = [p.facts for sentence in proposals for p in sentence]
    probabilities = iter(spans.calibrator.probabilities(facts).tolist())
    found: list[dict[str, float]] = []
    position = 0
    for sentences in per_text:
        best: dict[str, float] = {}
        for sentence in proposals[position : position + len(sentences)]:
            for proposal in sentence:
                uri, probability = proposal.candidate.skill_uri, next(probabilities)
                best[uri] = max(best.get(uri, -1.0), probability)
        position += len(sentences)
        found.append(best)
    return found


def accepted(candidates: dict[str, float], bonus: Bonus, threshold: float, cap: int) -> list[str]:
    """The skills at or above ``threshold`` once ``bonus`` moves their log-odds, best first."""
    kept = []
    for uri, probability in candidates.items():
        p = min(max(probability, 1e-9), 1 - 1e-9)
        moved = 1 / (1 + math.exp(-(math.log(p / (1 - p)) + bonus(uri))))
        if moved >= threshold:
            kept.append((-moved, uri))
    return [uri for _, uri in sorted(kept)[:cap]]


def profile_bonus(taxonomy: EscoTaxonomy, occupation: str | None, w: float, penalty: float = 0.0):
    if occupation is None:
        return lambda uri: 0.0
    record = taxonomy.occupation(occupation)
    essential, optional = set(record.essential_skills), set(record.optional_skills)
    return lambda uri: w if uri in essential else w / 2 if uri in optional else -penalty


def skills_occupation(taxonomy: EscoTaxonomy, skills: Sequence[str]) -> str | None:
    """The occupation whose profile holds the largest share of ``skills`` (optional: half)."""
    found, best, share = set(skills), None, 0.0
    for occupation in taxonomy.occupations.values():
        held = len(found.intersection(occupation.essential_skills))
        held += 0.5 * len(found.intersection(occupation.optional_skills))
        if held > share:
            best, share = occupation.uri, held
    return best


def posting_level(graph: SkillGraph) -> tuple[list[list[object]], int, int]:
    taxonomy = graph.taxonomy
    spans = graph.extractor.spans
    assert spans is not None
    sources = CalibrationSources(BENCH_DIR, (), SKILLSPAN / "train.json")
    ads = validation_ads(sources, taxonomy)
    gold = [ad.gold for ad in ads]
    candidates = candidate_probabilities(graph, [ad.text for ad in ads])
    cap = graph.settings.extraction.max_skills
    base = [accepted(c, lambda uri: 0.0, spans.threshold, cap) for c in candidates]
    shipped = graph.extractor.extract_many([ad.text for ad in ads])
    if [set(b) for b in base] != [{m.uri for m in s} for s in shipped]:
        raise RuntimeError("w = 0 does not reproduce the shipped extraction")
    titled = posting_occupations(graph.occupations, host_titles(ads), base)
    occupations = {
        "title": [p.occupation for p in titled],
        "ad's own skills (diagnostic)": [skills_occupation(taxonomy, b) for b in base],
    }
    rows: list[list[object]] = []
    for name, chosen in occupations.items():
        for w in WEIGHTS:
            for penalty in PENALTIES if w else [0.0]:
                predicted = [
                    accepted(c, profile_bonus(taxonomy, o, w, penalty), spans.threshold, cap)
                    for c, o in zip(candidates, chosen, strict=True)
                ]
                rows.append([name, w, penalty, *set_counts(predicted, gold).percentages()])
                log.info("posting level: %s", rows[-1])
    matched = sum(o is not None for o in occupations["title"])
    return rows, len(ads), matched


def sentence_level(graph: SkillGraph) -> tuple[list[list[object]], int]:
    taxonomy = graph.taxonomy
    first_line: dict[str, str] = {}
    for split in ("train", "dev"):
        for posting in read_postings(SKILLSPAN / f"{split}.json"):
            title = " ".join(posting[0].tokens)
            for sentence in posting:
                first_line.setdefault(" ".join(sentence.tokens), title)
    bench = [
        s
        for name in VALIDATION.values()
        for s in load_benchmark(BENCH_DIR / name, taxonomy)
        if s.sentence in first_line
    ]
    ranked = graph.extractor.rank_sentences([s.sentence for s in bench], 30)
    titled = posting_occupations(
        graph.occupations,
        [first_line[s.sentence] for s in bench],
        [[c.skill_uri for c in found[:5]] for found in ranked],
    )
    rows: list[list[object]] = []
    for alpha in ALPHAS:
        rankings = []
        for found, posting in zip(ranked, titled, strict=True):
            bonus = profile_bonus(taxonomy, posting.occupation, alpha)
            order = sorted(found, key=lambda c: -(c.score + bonus(c.skill_uri)))
            rankings.append([c.skill_uri for c in order])
        scores = score_rankings(rankings, bench).as_percentages()
        rows.append([alpha, scores["RP@5"], scores["RP@10"], scores["MRR"]])
    return rows, len(bench)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    graph = SkillGraph.load(load_settings())
    rows, ads, matched = posting_level(graph)
    print(f"Posting level: {ads} validation ads, {matched} with a confident title match.\n")
    print(table(["occupation from", "w", "penalty", "P", "R", "F1"], rows))
    rows, sentences = sentence_level(graph)
    print(f"\nSentence level: {sentences} validation sentences with their posting's title.\n")
    print(table(["alpha", "RP@5", "RP@10", "MRR"], rows))


if __name__ == "__main__":
    main()
