"""read_records: formats, sources (files, gzip, stdin) and streaming in constant memory."""

from __future__ import annotations

import gzip
import io
import itertools
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.batch import BatchInputError, InputRow, RowError, read_records

CSV_DATA = b'id,text\n1,"multi\nline"\n2,second\n'
CSV_ROWS = [InputRow(1, "1", "multi\nline"), InputRow(2, "2", "second")]
JSONL_DATA = b'{"id": 1, "text": "first"}\n{"id": 2, "text": "second"}\n'
JSONL_ROWS = [InputRow(1, "1", "first"), InputRow(2, "2", "second")]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("ads.csv", CSV_DATA, CSV_ROWS),
        ("ADS.CSV", CSV_DATA, CSV_ROWS),
        ("ads.jsonl", JSONL_DATA, JSONL_ROWS),
        ("ads.ndjson", JSONL_DATA, JSONL_ROWS),
    ],
)
def test_format_comes_from_the_extension(
    tmp_path: Path, name: str, data: bytes, expected: list[InputRow]
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert list(read_records(path)) == expected
    assert list(read_records(str(path))) == expected


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [("ads.csv.gz", CSV_DATA, CSV_ROWS), ("ads.jsonl.gz", JSONL_DATA, JSONL_ROWS)],
)
def test_gzip_is_read_transparently(
    tmp_path: Path, name: str, data: bytes, expected: list[InputRow]
) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(data))
    assert list(read_records(path)) == expected


def test_gzip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_bytes(gzip.compress(CSV_DATA))
    assert list(read_records(path)) == CSV_ROWS


def test_truncated_gzip_ends_with_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl.gz"
    data = b"".join(b'{"text": "ad %d"}\n' % n for n in range(10_000))
    path.write_bytes(gzip.compress(data)[:-100])
    with pytest.raises(BatchInputError, match="corrupt gzip data"):
        list(read_records(path))


def test_explicit_format_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "ads.txt"
    path.write_bytes(JSONL_DATA)
    assert list(read_records(path, input_format="jsonl")) == JSONL_ROWS


def test_format_errors_are_raised_at_the_call(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="--input-format"):
        read_records(tmp_path / "ads.txt")
    with pytest.raises(BatchInputError, match="--input-format"):
        read_records("-")
    with pytest.raises(BatchInputError, match="unknown input format 'xml'"):
        read_records(tmp_path / "ads.csv", input_format="xml")
    with pytest.raises(ValueError, match="max_text_chars"):
        read_records(tmp_path / "ads.csv", max_text_chars=0)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="cannot open input"):
        list(read_records(tmp_path / "absent.csv"))


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> io.TextIOWrapper:
    stdin = io.TextIOWrapper(io.BytesIO(data))
    monkeypatch.setattr(sys, "stdin", stdin)
    return stdin


@pytest.mark.parametrize(
    ("input_format", "data", "expected"),
    [("csv", CSV_DATA, CSV_ROWS), ("jsonl", JSONL_DATA, JSONL_ROWS)],
)
def test_stdin(
    monkeypatch: pytest.MonkeyPatch, input_format: str, data: bytes, expected: list[InputRow]
) -> None:
    stdin = _stdin(monkeypatch, data)
    assert list(read_records("-", input_format=input_format)) == expected
    assert not stdin.buffer.closed


def test_gzipped_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, gzip.compress(CSV_DATA))
    assert list(read_records("-", input_format="csv")) == CSV_ROWS


def _write_big_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("id,text\n")
        for n in range(rows):
            out.write(f'{n},"Job ad {n}: we need a Python developer,\nwith SQL and Docker."\n')


def _peak_bytes(iterator: Iterator[InputRow | RowError], take: int | None) -> tuple[int, int]:
    """Items consumed and the peak traced memory while consuming them."""
    tracemalloc.start()
    try:
        consumed = sum(1 for _ in itertools.islice(iterator, take))
        return consumed, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "ads.csv"
    _write_big_csv(path, 200_000)
    assert path.stat().st_size > 14_000_000
    return path


def test_records_are_read_lazily(big_csv: Path) -> None:
    records = read_records(big_csv)
    consumed, peak = _peak_bytes(records, 3)
    assert consumed == 3
    assert peak < 1_000_000  # the file holds over 14 MB


def test_memory_stays_flat_over_the_whole_input(big_csv: Path) -> None:
    consumed, peak = _peak_bytes(read_records(big_csv), None)
    assert consumed == 200_000
    assert peak < 2_000_000
