"""Job titles as ads write them -> the words an occupation label uses."""

import pytest

from skillgraph.occupations import clean_title


@pytest.mark.parametrize(
    ("raw", "segments"),
    [
        ("Sr. Backend Eng (m/f/d) – Python | Berlin", ("backend engineer", "python", "berlin")),  # noqa: RUF001
        ("HGV Class 1 Driver - Nights", ("heavy goods vehicle class 1 driver",)),
        ("Kitchen Porter / KP part-time", ("kitchen porter",)),
        ("🚀 Senior Data Scientist (Remote) 💰 £70k + bonus", ("data scientist",)),
        ("Forklift driver (Nights) 40 hrs/week", ("forklift driver",)),
        ("Care Assistant in North London", ("care assistant",)),
        ("Software Engineer II (w/m/d)", ("software engineer",)),
        ("Staff Nurse (Band 5)", ("staff nurse",)),
        ("Office Manager, Part Time", ("office manager",)),
        ("Head of Marketing", ("head of marketing",)),
        ("Cleaner – £11.44 per hour – Immediate Start", ("cleaner",)),  # noqa: RUF001
        ("Registered Nurse (RGN)", ("registered nurse", "registered general nurse")),
    ],
)
def test_noise_goes_and_the_job_stays(raw, segments):
    cleaned = clean_title(raw)
    assert cleaned.segments == segments
    assert cleaned.main == segments[0] and cleaned.raw == raw


@pytest.mark.parametrize(
    "raw",
    [
        "Apply now!",
        "Job ID 48213",
        "We are hiring!",
        "Ref: AB-20931",
        "Full-time, permanent",
        "£25,000 - £30,000",
        "",
        "   ",
        "!!!",
        "(m/f/d)",
        "Urgent!!! 🚨",
    ],
)
def test_a_title_with_nothing_naming_a_job_has_no_segments(raw):
    cleaned = clean_title(raw)
    assert cleaned.segments == () and cleaned.main == ""


def test_words_that_name_jobs_are_not_taken_for_noise():
    # "office", "staff", "principal", "early", "home" are parts of real occupation labels.
    for title in (
        "Office Administrator",
        "School Principal",
        "Early Years Teacher",
        "Home Care Aide",
        "Staff Nurse",
    ):
        assert clean_title(title).main == title.lower()
