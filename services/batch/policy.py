"""How input records become rows, whatever their format: columns, ids, text checks, memory cap."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.batch.records import InputRow, RowError

# NUL and unpaired surrogates: JSON can smuggle them in as escapes, and no UTF-8 output can hold
# a surrogate, so letting one through would crash the writer rows later.
EMPTY_TEXT = "empty text"  # the reason a blank text is refused with
_INVALID_CHAR = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class RowPolicy:
    """The rules every input format applies to its records."""

    text_column: str = "text"  # for JSON Lines, the key
    id_column: str = "id"
    max_text_chars: int = 100_000
    # A record without the text (a JSON Lines key left out or null) has an empty one: for a
    # column that only some records fill, such as an ad's occupation.
    text_optional: bool = False

    def __post_init__(self) -> None:
        if self.max_text_chars < 1:
            raise ValueError(f"max_text_chars must be positive, got {self.max_text_chars}")

    @property
    def record_budget(self) -> int:
        """Most characters (bytes for JSON Lines) one record may hold in memory while parsing.

        A memory guard, not a validation rule: generous enough for other columns and JSON escapes
        beside a text at the limit, so that a record over it is garbage, not a long ad.
        """
        return max(8 * self.max_text_chars, 1 << 20)

    def row_id(self, raw_id: str | None, row_number: int) -> str | None:
        """The id a record goes by: *raw_id* stripped, or the row number if it is missing or blank.

        None when the id holds characters that no output can carry.
        """
        row_id = raw_id.strip() if raw_id is not None else ""
        if not row_id:
            return str(row_number)
        return None if _INVALID_CHAR.search(row_id) else row_id

    def check(
        self, row_number: int, line: int | None, raw_id: str | None, text: str
    ) -> InputRow | RowError:
        """The row for a record that parsed, or why it cannot be used."""
        row_id = self.row_id(raw_id, row_number)
        if row_id is None:
            reason = "id contains NUL or unpaired surrogate characters"
            return RowError(row_number, None, reason, line)
        if not text or text.isspace():
            return RowError(row_number, row_id, EMPTY_TEXT, line)
        if len(text) > self.max_text_chars:
            reason = f"text too long: {len(text)} characters (limit {self.max_text_chars})"
            return RowError(row_number, row_id, reason, line)
        if (match := _INVALID_CHAR.search(text)) is not None:
            char = f"U+{ord(match.group()):04X}"
            reason = f"invalid character {char} in text at character {match.start()}"
            return RowError(row_number, row_id, reason, line)
        return InputRow(row_number, row_id, text)
