"""Links and e-mail addresses blanked out before reading, every offset kept."""

from __future__ import annotations

import pytest

from skillgraph.reader.links import blank_links


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (
            "Apply at https://jobs.example.com/apply?id=123 today",
            "https://jobs.example.com/apply?id=123",
        ),
        ("See www.acme.co.uk for more", "www.acme.co.uk"),
        ("Questions to jane.doe@example.com please", "jane.doe@example.com"),
        ("Upload via ftp://files.example.org/cv and wait", "ftp://files.example.org/cv"),
    ],
)
def test_a_link_or_address_becomes_as_many_spaces(text, gone):
    blanked = blank_links(text)
    start = text.index(gone)
    assert len(blanked) == len(text)
    assert blanked[start : start + len(gone)] == " " * len(gone)
    assert (
        blanked[:start] == text[:start]
        and blanked[start + len(gone) :] == text[start + len(gone) :]
    )


@pytest.mark.parametrize("text", ["C++, C# and node.js", "5 years @ Google", "Ph.D. in CS"])
def test_text_that_is_no_link_stays(text):
    assert blank_links(text) == text


def test_a_sentence_that_is_only_a_link_is_read_as_written():
    assert blank_links("https://example.com/jobs") == "https://example.com/jobs"
