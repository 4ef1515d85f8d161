"""CSV input: every record becomes exactly one row or row error, in order."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from services.batch import BatchInputError, InputRow, RowError, read_records


def _read(tmp_path: Path, data: bytes, **options: object) -> list[InputRow | RowError]:
    path = tmp_path / "ads.csv"
    path.write_bytes(data)
    return list(read_records(path, **options))  # type: ignore[arg-type]


def _errors(items: list[InputRow | RowError]) -> dict[int, RowError]:
    return {item.row_number: item for item in items if isinstance(item, RowError)}


def test_every_record_is_reported_once_and_in_order(tmp_path: Path) -> None:
    data = (
        b"id,text\n"
        b'a1,"first line\nsecond line, with ""quotes"""\n'  # 1: multi-line, lines 2-3
        b"a2,one,too many\n"  # 2: wrong field count
        b"a3,\n"  # 3: empty text
        b"a4,   \n"  # 4: whitespace only
        b"a5,caf\xff au lait\n"  # 5: not UTF-8
        b"a6,nul\x00byte\n"  # 6: NUL
        b"a7," + b"x" * 51 + b"\n"  # 7: over the limit
        b"a8,last one\n"  # 8
    )
    items = _read(tmp_path, data, max_text_chars=50)

    assert [item.row_number for item in items] == list(range(1, 9))
    assert items[0] == InputRow(1, "a1", 'first line\nsecond line, with "quotes"')
    assert items[7] == InputRow(8, "a8", "last one")
    errors = _errors(items)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    assert errors[2] == RowError(2, None, "malformed row: expected 2 fields, got 3", 4)
    assert errors[3] == RowError(3, "a3", "empty text", 5)
    assert errors[4].reason == "empty text"
    assert errors[5].reason == "undecodable byte 0xFF (not UTF-8) in column 'text' at character 3"
    assert errors[5].id == "a5"
    assert errors[6].reason == "NUL character in column 'text' at character 3"
    assert errors[7].reason == "text too long: 51 characters (limit 50)"
    assert [error.line for error in errors.values()] == [4, 5, 6, 7, 8, 9]


def test_crlf_multiline_field_is_kept_intact(tmp_path: Path) -> None:
    items = _read(tmp_path, b'id,text\r\n1,"line one\r\nline two"\r\n2,next\r\n')
    assert items == [InputRow(1, "1", "line one\r\nline two"), InputRow(2, "2", "next")]


def test_text_is_not_stripped_but_ids_are(tmp_path: Path) -> None:
    items = _read(tmp_path, b'id,text\n  7  ,"  padded text  "\n')
    assert items == [InputRow(1, "7", "  padded text  ")]


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    items = _read(tmp_path, "\ufeffid,text\n1,café\n".encode())
    assert items == [InputRow(1, "1", "café")]


def test_without_an_id_column_row_numbers_are_ids(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="services.batch"):
        items = _read(tmp_path, b"title,text\nA,first\nB,second\n")
    assert items == [InputRow(1, "1", "first"), InputRow(2, "2", "second")]
    assert len([r for r in caplog.records if "row numbers serve as ids" in r.message]) == 1


def test_blank_id_falls_back_to_the_row_number(tmp_path: Path) -> None:
    items = _read(tmp_path, b"id,text\n,first\n  ,second\n")
    assert items == [InputRow(1, "1", "first"), InputRow(2, "2", "second")]


def test_custom_columns(tmp_path: Path) -> None:
    items = _read(tmp_path, b"ref,body\nx9,hello\n", text_column="body", id_column="ref")
    assert items == [InputRow(1, "x9", "hello")]


def test_missing_text_column_lists_the_columns(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match=r"no 'text' column; columns: 'id', 'body'"):
        _read(tmp_path, b"id,body\n1,hello\n")


def test_duplicate_text_column_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="names column 'text' 2 times"):
        _read(tmp_path, b"text,text\na,b\n")


def test_empty_input_needs_a_header(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="header row is required"):
        _read(tmp_path, b"")


def test_utf16_input_is_rejected_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="UTF-16"):
        _read(tmp_path, "id,text\n1,hello\n".encode("utf-16-le"))


def test_blank_lines_are_not_records(tmp_path: Path) -> None:
    items = _read(tmp_path, b"\nid,text\n\n1,first\n\n\n2,second\n\n")
    assert items == [InputRow(1, "1", "first"), InputRow(2, "2", "second")]


def test_unterminated_quote_at_end_of_input_is_a_row_error(tmp_path: Path) -> None:
    items = _read(tmp_path, b'id,text\n1,fine\n2,"never closed\nmore text\n')
    assert items[0] == InputRow(1, "1", "fine")
    assert items[1] == RowError(2, None, "malformed CSV at lines 3-4: unterminated quoted field", 3)
    assert len(items) == 2


def test_reading_resumes_after_a_parse_error(tmp_path: Path) -> None:
    items = _read(tmp_path, b'id,text\n1,"quoted"junk\n2,fine\n')
    assert isinstance(items[0], RowError)
    assert items[0].reason.startswith("malformed CSV at line 2:")
    assert items[1] == InputRow(2, "2", "fine")


def test_field_over_the_default_csv_limit_is_read(tmp_path: Path) -> None:
    text = "word " * 40_000  # 200,000 characters; csv's default cap is 131,072
    items = _read(tmp_path, f"id,text\n1,{text}\n".encode(), max_text_chars=250_000)
    assert items == [InputRow(1, "1", text)]


def test_oversized_record_is_skipped_without_stopping(tmp_path: Path) -> None:
    huge = b'"' + b"y" * 1_100_000 + b"\n" + b"z" * 10 + b'"'  # over the 1 MiB record budget
    items = _read(tmp_path, b"id,text\n1,ok\n2," + huge + b"\n3,after\n", max_text_chars=10)
    assert items[0] == InputRow(1, "1", "ok")
    assert isinstance(items[1], RowError)
    assert items[1].row_number == 2
    assert items[1].line == 3
    assert items[1].reason.startswith("record too large: over 1048576 characters")
    # The rest of the broken field surfaces as its own malformed row; nothing is lost silently.
    assert [item.row_number for item in items] == list(range(1, len(items) + 1))
    assert items[-1] == InputRow(len(items), "3", "after")
