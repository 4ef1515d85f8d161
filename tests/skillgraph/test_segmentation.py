import pytest

from skillgraph.segmentation import Segmenter

AD = """Senior Python Developer (m/f/d)

What you'll do:
• Build REST APIs in Python and PostgreSQL. Review code of your peers.
- Mentor junior developers
2) Deploy with Docker; monitor services
Skills: • Python • SQL • Kubernetes
\t
Apply now!"""


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(max_sentence_chars=200)


def test_lines_bullets_and_sentences_are_units(segmenter):
    texts = [s.text for s in segmenter.split(AD)]
    assert texts == [
        "Senior Python Developer (m/f/d)",
        "What you'll do:",
        "Build REST APIs in Python and PostgreSQL.",
        "Review code of your peers.",
        "Mentor junior developers",
        "Deploy with Docker; monitor services",
        "Skills:",
        "Python",
        "SQL",
        "Kubernetes",
        "Apply now!",
    ]


def test_offsets_point_into_the_input(segmenter):
    for sentence in segmenter.split(AD):
        assert AD[sentence.start : sentence.end] == sentence.text


def test_windows_line_endings_keep_offsets(segmenter):
    text = "Install pipework.\r\nCommission the system.\r\n"
    sentences = segmenter.split(text)
    assert [s.text for s in sentences] == ["Install pipework.", "Commission the system."]
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize("text", ["", "   \n\t  ", "• • •", "---\n***"])
def test_texts_without_words_have_no_sentences(segmenter, text):
    assert segmenter.split(text) == []


def test_overlong_units_are_cut_at_whitespace(segmenter):
    text = "word " * 1_000  # no punctuation at all
    sentences = segmenter.split(text)
    assert len(sentences) > 1
    assert all(len(s.text) <= 200 for s in sentences)
    assert all(not s.text.startswith(" ") and not s.text.endswith(" ") for s in sentences)
    assert sum(s.text.count("word") for s in sentences) == 1_000


def test_split_many_keeps_texts_apart(segmenter):
    results = list(segmenter.split_many(["One. Two.", "", "Three"]))
    assert [[s.text for s in r] for r in results] == [["One.", "Two."], [], ["Three"]]
