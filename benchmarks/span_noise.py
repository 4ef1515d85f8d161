"""Span tagging on noisy sentences: the span sets' dev splits with web-page noise put in front of
each sentence (a link, an e-mail address, a spreadsheet formula), gold spans moved along.

Scraped ads carry such noise inside sentences; a tagger that reads the whole sentence can lose
every span of it to a few odd tokens. Strict span-F1 (one class, tokens joined by spaces) of
the span reader the settings configure, and beside it of each ``--model`` (a span head's
directory, e.g. a training run) and each ``--profile``. Writes the "span-noise" section of
docs/benchmarks.md.

    .venv/bin/python benchmarks/span_noise.py [--model DIR ...] [--profile NAME ...] [--print-only]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.extraction import read_span_f1
from benchmarks.report import SHARED, table, write_section
from skillgraph import load_settings
from skillgraph.reader import SentenceReader
from skillgraph.runtime import load_span_reader
from training.span_data import TaggedSentence, read_span_sets

SPAN_SETS = ("skillspan", "green", "sayfullina")
# Tokens put in front of every sentence (all tagged O).
NOISE = {
    "none": (),
    "link": ("See", "https://jobs.example.com/apply?id=123", ":"),
    "e-mail": ("Contact", "jane.doe@example.com", "-"),
    "formula": ('=HYPERLINK("http://x")',),
}
log = logging.getLogger("span_noise")


def strict_f1(
    reader: SentenceReader, sentences: list[TaggedSentence], prefix: tuple[str, ...]
) -> float:
    tokens = [[*prefix, *s.tokens] for s in sentences]
    tags = [["O"] * len(prefix) + list(s.tags) for s in sentences]
    return round(100 * read_span_f1(reader, tokens, tags)["strict"].f1, 1)


def _tagged(reader: SentenceReader) -> str:
    """What reads beside the head, as the reader's name says it (the accurate profile's)."""
    return "".join(f" + `{part}`" for part in reader.name.split("+")[2:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], help="another span head")
    parser.add_argument("--profile", action="append", default=[], help="a profile beside")
    parser.add_argument("--print-only", action="store_true", help="do not write the report")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    candidates = [
        settings,
        *(settings.replace({"spans.model": model}) for model in args.model),
        *(settings.replace({"profile": profile}) for profile in args.profile),
    ]
    root = SHARED / "data" / "train" / "nnose"
    splits = {name: read_span_sets(root, [name], "dev") for name in SPAN_SETS}
    rows = []
    for candidate in candidates:
        reader = load_span_reader(candidate)
        label = f"`{Path(candidate.spans.model).name}`{_tagged(reader)}"
        for name, sentences in splits.items():
            scores = [strict_f1(reader, sentences, prefix) for prefix in NOISE.values()]
            rows.append([label, name, *scores, f"{min(scores[1:]) - scores[0]:+.1f}"])
            log.info("%s", rows[-1])
    body = (
        "## Span tagging on noisy sentences\n\n"
        "The span sets' dev splits with noise in front of every sentence (`link`: "
        f"{' '.join(NOISE['link'])}; `e-mail`: {' '.join(NOISE['e-mail'])}; `formula`: "
        f"{NOISE['formula'][0]}), gold spans moved along; strict span-F1 through the reader "
        f"`{settings.spans.precision}` with the settings' datastore and decoding. *Worst*: the "
        "largest loss against no noise.\n\n" + table(["span model", "split", *NOISE, "worst"], rows)
    )
    if args.print_only:
        print(body)
    else:
        command = " ".join(["python benchmarks/span_noise.py", *sys.argv[1:]])
        write_section("span-noise", command, body)


if __name__ == "__main__":
    main()
