"""JSON Lines input: every non-blank line becomes exactly one row or row error, in order."""

from __future__ import annotations

from pathlib import Path

from services.batch import InputRow, RowError, read_records


def _read(tmp_path: Path, data: bytes, **options: object) -> list[InputRow | RowError]:
    path = tmp_path / "ads.jsonl"
    path.write_bytes(data)
    return list(read_records(path, **options))  # type: ignore[arg-type]


def test_every_line_is_reported_once_and_in_order(tmp_path: Path) -> None:
    data = b"\n".join(
        [
            b'{"id": "a1", "text": "caf\xc3\xa9 \\u00e9 \xe2\x9c\x93"}',  # 1 (line 1)
            b"",  # blank: not a record
            b'{"id": 42, "text": "numeric id"}',  # 2 (line 3)
            b'{"id": 1.5, "text": "float id"}',  # 3
            b'{"text": "no id"}',  # 4
            b'{"id": "a5", "text": "broken"',  # 5: invalid JSON
            b'["id", "text"]',  # 6: not an object
            b'{"id": "a7", "text": 7}',  # 7: text not a string
            b'{"id": "a8", "text": null}',  # 8
            b'{"id": "a9"}',  # 9: no text
            b'{"id": "a10", "text": "bad \xff byte"}',  # 10: not UTF-8
            b'{"id": true, "text": "boolean id"}',  # 11
            b'{"id": "a12", "text": "nul \\u0000 char"}',  # 12
            b'{"id": "\\ud800", "text": "lone surrogate id"}',  # 13
            b'{"id": "a14", "text": "  "}',  # 14: empty text
            b"   ",  # whitespace only: not a record
            b'{"id": "a15", "text": "last"}',  # 15 (line 17)
        ]
    )
    items = _read(tmp_path, data + b"\n")

    assert [item.row_number for item in items] == list(range(1, 16))
    assert [item.line for item in items if isinstance(item, RowError)] == [
        6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]  # fmt: skip
    rows = [item for item in items if isinstance(item, InputRow)]
    assert rows == [
        InputRow(1, "a1", "café é ✓"),
        InputRow(2, "42", "numeric id"),
        InputRow(3, "1.5", "float id"),
        InputRow(4, "4", "no id"),
        InputRow(15, "a15", "last"),
    ]
    reasons = {
        item.row_number: (item.id, item.reason) for item in items if isinstance(item, RowError)
    }
    assert reasons == {
        5: (None, "invalid JSON: Expecting ',' delimiter at character 30"),
        6: (None, "expected a JSON object, got array"),
        7: ("a7", "field 'text' must be a string, got number"),
        8: ("a8", "field 'text' must be a string, got null"),
        9: ("a9", "missing field 'text'"),
        10: (None, "undecodable bytes (not UTF-8) at byte offset 27"),
        11: (None, "field 'id' must be a string or number, got boolean"),
        12: ("a12", "invalid character U+0000 in text at character 4"),
        13: (None, "id contains NUL or unpaired surrogate characters"),
        14: ("a14", "empty text"),
    }


def test_custom_keys(tmp_path: Path) -> None:
    items = _read(
        tmp_path, b'{"ref": "r1", "body": "hello"}\n', text_column="body", id_column="ref"
    )
    assert items == [InputRow(1, "r1", "hello")]


def test_an_optional_column_left_out_or_null_is_empty(tmp_path: Path) -> None:
    data = b'{"id": 1, "title": null}\n{"id": 2}\n{"id": 3, "title": 5}\n{"id": 4, "title": "a"}\n'
    items = _read(tmp_path, data, text_column="title", text_optional=True)
    assert [(i.id, i.reason) for i in items if isinstance(i, RowError)] == [
        ("1", "empty text"),
        ("2", "empty text"),
        ("3", "field 'title' must be a string, got number"),  # still a mistake
    ]
    assert items[3] == InputRow(4, "4", "a")


def test_bom_and_crlf_are_tolerated(tmp_path: Path) -> None:
    items = _read(tmp_path, b'\xef\xbb\xbf{"id": 1, "text": "one"}\r\n{"id": 2, "text": "two"}\r\n')
    assert items == [InputRow(1, "1", "one"), InputRow(2, "2", "two")]


def test_last_line_without_newline_is_read(tmp_path: Path) -> None:
    assert _read(tmp_path, b'{"text": "only"}') == [InputRow(1, "1", "only")]


def test_absurd_nesting_is_a_row_error(tmp_path: Path) -> None:
    items = _read(tmp_path, b"[" * 100_000 + b"]" * 100_000 + b'\n{"text": "next"}\n')
    assert isinstance(items[0], RowError)
    assert items[0].reason.startswith("invalid JSON")
    assert items[1] == InputRow(2, "2", "next")


def test_overlong_line_is_skipped_without_stopping(tmp_path: Path) -> None:
    huge = b'{"text": "' + b"x" * 1_100_000 + b'"}'  # over the 1 MiB record budget
    items = _read(tmp_path, huge + b'\n{"text": "after"}\n', max_text_chars=10)
    assert items == [
        RowError(1, None, "line too long: over 1048576 bytes", 1),
        InputRow(2, "2", "after"),
    ]
