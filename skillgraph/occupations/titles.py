"""Job titles as ads write them, cleaned to the words an occupation label uses.

"Sr. Backend Eng (m/f/d) - Python | Berlin" -> segments ("backend engineer", "python",
"berlin"); "Kitchen Porter / KP part-time" -> ("kitchen porter",). What is
removed: gender markers, seniority, contract and shift words, pay, job references, emojis and
punctuation; abbreviations are written out. Segments (split at " | ", " - ", " / ", brackets,
commas) are kept apart: the first usually names the job, the others add a place or a skill.
A title with nothing left ("Apply now!", "Job ID 48213") has no segments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["CleanTitle", "clean_title"]

# Gender markers: (m/f/d), (m/w/d), (f/m/x), (h/f), m/f, (all genders), (gn).
_GENDER = re.compile(
    r"\(\s*[mwfdhxi*](?:\s*[/|,]\s*[mwfdhxi*])+\s*\)"
    r"|\b[mwfh]\s*/\s*[mwfh](?:\s*/\s*[dxi])?\b"
    r"|\(\s*(?:all genders?|gn|gender[- ]neutral|any gender)\s*\)",
    re.IGNORECASE,
)
_PAY = re.compile(
    r"(?:up to\s+)?[£$€]\s?\d[\d,.]*\s*k?"
    r"(?:\s*(?:-|\u2013|to)\s*[£$€]?\s?\d[\d,.]*\s*k?)?"
    r"(?:\s*(?:per|an?|/)\s*(?:hour|hr|h|annum|year|yr|day|week|month))?"
    r"(?:\s*\+?\s*(?:benefits|bonus|ote|doe|pro rata))*",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(?:job\s*(?:id|ref(?:erence)?|no|number)|ref(?:erence)?|req(?:uisition)?|id)\b"
    r"\s*[:#.]?\s*[A-Za-z]{0,4}[-\d]*\d[-\d]*"
    r"|#\s*\d+",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s[|\-\u2013\u2014/]\s|\s*[|\u2013\u2014()\[\]{},;:!?•·]\s*|\s/|/\s")
# "... in Berlin", "... at Acme Ltd", "... based in North London" at the end of a segment.
_PLACE = re.compile(r"\s+(?:based\s+)?(?:in|at|near)\s+[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*)*$")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.&'-]*")

# Words that say nothing about the occupation.
_NOISE = frozenset(
    """
    senior sr snr junior jr jnr mid midlevel mid-level experienced entry-level entry level
    intermediate
    part-time part full-time full time fulltime parttime temporary temp permanent perm contract
    contractor freelance fixed-term fixed term ftc interim maternity cover locum seasonal casual
    night nights days weekend weekends shift shifts evenings rotating
    remote hybrid onsite on-site wfh homebased flexible flexi
    immediate start urgent urgently asap required needed wanted hiring now apply new
    opportunity vacancy vacancies position role job jobs opening career careers
    salary pay paid hourly weekly monthly annual annum bonus benefits doe ote k
    hours hour hrs per week month months
    our your we are is x w m f d h ii iii iv band grade level tier mornings morning
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_LINKS = frozenset(
    ["the", "a", "an", "and", "or", "with", "for", "of", "to", "in", "at", "near", "on"]
)
_ABBREVIATIONS = {
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "devs": "developers",
    "mgr": "manager",
    "mngr": "manager",
    "asst": "assistant",
    "assoc": "associate",
    "admin": "administrator",
    "exec": "executive",
    "coord": "coordinator",
    "tech": "technician",
    "techn": "technician",
    "ops": "operations",
    "rep": "representative",
    "supv": "supervisor",
    "supvr": "supervisor",
    "acct": "accountant",
    "hr": "human resources",
    "qa": "quality assurance",
    "pm": "project manager",
    "ba": "business analyst",
    "swe": "software engineer",
    "sde": "software developer",
    "sre": "site reliability engineer",
    "kp": "kitchen porter",
    "cdp": "chef de partie",
    "hgv": "heavy goods vehicle",
    "lgv": "large goods vehicle",
    "rgn": "registered general nurse",
    "rmn": "mental health nurse",
    "rn": "registered nurse",
    "hca": "healthcare assistant",
    "cna": "nursing assistant",
    "lpn": "licensed practical nurse",
    "gp": "general practitioner",
    "vp": "vice president",
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "cto": "chief technology officer",
    "coo": "chief operating officer",
    "cmo": "chief marketing officer",
    "hse": "health and safety",
    "ehs": "environment health and safety",
    "sen": "special educational needs",
    "ta": "teaching assistant",
    "nqt": "newly qualified teacher",
    "bdm": "business development manager",
    "sdr": "sales development representative",
    "bdr": "business development representative",
    "csr": "customer service representative",
    "mgmt": "management",
    "dept": "department",
    "svc": "service",
    "maint": "maintenance",
    "elec": "electrical",
    "mech": "mechanical",
}


@dataclass(frozen=True, slots=True)
class CleanTitle:
    raw: str
    segments: tuple[str, ...]  # cleaned, in the order written; empty: nothing names a job

    @property
    def main(self) -> str:
        """The segment most likely to name the job: the first."""
        return self.segments[0] if self.segments else ""


def clean_title(raw: str) -> CleanTitle:
    text = _strip_symbols(unicodedata.normalize("NFKC", raw))
    text = _GENDER.sub(" , ", text)
    text = _PAY.sub(" , ", text)
    text = _REFERENCE.sub(" , ", text)
    text = re.sub(r"\b(?:sr|jr|snr|jnr|mr|ms|dr)\.", r"\g<0> ", text, flags=re.IGNORECASE)
    segments: list[str] = []
    for part in _SEPARATORS.split(f" {text} "):
        cleaned = _clean_segment(part)
        if cleaned and cleaned not in segments:
            segments.append(cleaned)
    return CleanTitle(raw, tuple(segments))


def _strip_symbols(text: str) -> str:
    # Emojis, pictographs and marks (categories So, Sk, Cf, Co) become spaces.
    return "".join(
        " " if unicodedata.category(char) in {"So", "Sk", "Cf", "Co", "Cs"} else char
        for char in text
    )


def _clean_segment(part: str) -> str:
    part = _PLACE.sub("", part.strip())
    words = []
    for word in _WORD.findall(part.lower()):
        word = word.strip(".'-&")
        if not word or word in _NOISE or (word.isdigit() and len(word) > 2):
            continue
        words.extend(_ABBREVIATIONS.get(word, word).split())
    while words and words[-1] in _LINKS:  # "engineer and" once "remote" is gone
        words.pop()
    while words and words[0] in _LINKS:
        words.pop(0)
    if not any(word.isalpha() and len(word) > 1 and word not in _LINKS for word in words):
        return ""
    return " ".join(words)
