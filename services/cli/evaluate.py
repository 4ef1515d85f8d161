"""``skillgraph eval``: RP@5, RP@10 and MRR on a sentence -> ESCO benchmark file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from services.cli.context import CliContext
from training.evaluation import evaluate_ranking, load_benchmark, unmapped_labels


@click.command("eval")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file.")
@click.pass_obj
def eval_command(context: CliContext, files: tuple[Path, ...], as_json: bool) -> None:
    """Score ranking mode on benchmark FILES (*.jsonl in the Decorte benchmark format)."""
    graph = context.graph
    extractor = graph.extractor

    def rank(sentences, depth):
        return [
            [c.skill_uri for c in found] for found in extractor.rank_sentences(sentences, depth)
        ]

    for path in files:
        sentences = load_benchmark(path, graph.taxonomy)
        scores = evaluate_ranking(rank, sentences)
        missing = unmapped_labels(sentences, graph.taxonomy)
        result = {
            "file": path.name,
            "sentences": scores.sentences,
            **scores.as_percentages(),
            "unmapped_gold_labels": len(missing),
            "encoder": graph.encoder.name,
            "esco_version": graph.taxonomy.release.version,
        }
        if as_json:
            click.echo(json.dumps(result))
        else:
            click.echo(
                f"{path.name}: RP@5 {result['RP@5']}  RP@10 {result['RP@10']}  "
                f"MRR {result['MRR']}  ({scores.sentences} sentences, "
                f"{len(missing)} gold labels not in ESCO {result['esco_version']})"
            )
