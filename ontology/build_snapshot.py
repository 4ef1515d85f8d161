"""Build a taxonomy snapshot from an ESCO CSV export.

    python -m ontology.build_snapshot SOURCE_DIR OUTPUT [--version V] [--language L]

This lives apart from :mod:`ontology.snapshot` because ``ontology/__init__`` imports that
module, and running an already-imported module with ``-m`` makes runpy warn.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ontology.errors import EscoFormatError, SnapshotError
from ontology.esco_csv import load_esco_csv
from ontology.snapshot import write_snapshot

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ontology.build_snapshot",
        description="Load an official ESCO CSV export and write a compact taxonomy snapshot.",
    )
    parser.add_argument("source_dir", type=Path, help="directory with skills_<lang>.csv etc.")
    parser.add_argument(
        "output", type=Path, help="snapshot file to write, e.g. esco-v1.2.0-en.json.gz"
    )
    parser.add_argument(
        "--version", dest="esco_version", metavar="V", help="ESCO version (default: from the path)"
    )
    parser.add_argument("--language", metavar="L", help="language (default: from file names)")
    parser.add_argument(
        "--source", help="description of the data's origin stored in the snapshot header"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        taxonomy = load_esco_csv(args.source_dir, version=args.esco_version, language=args.language)
        source = args.source or (
            f"ESCO {taxonomy.release.version} CSV export ({taxonomy.release.language}), "
            f"directory {args.source_dir.resolve().name!r}"
        )
        write_snapshot(taxonomy, args.output, source=source)
    except (EscoFormatError, SnapshotError) as error:
        log.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
