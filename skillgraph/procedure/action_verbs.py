"""Which words start an action: the verb lexicon that splits duty statements into steps.

ESCO phrases its skills as actions ("install heating systems", "manage staff"), so the first
words of its skill/competence labels are a large, domain-wide list of work verbs; a few common
ones ESCO never starts a label with are added. The lexicon only ever decides between a verb and
a noun reading at a clause start, where spaCy's small model is least reliable.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ontology import EscoTaxonomy

# Work verbs that job ads use often and ESCO labels rarely start with.
COMMON_ACTION_VERBS = frozenset(
    """
    accompany answer arrange assist attend book brief build carry change check clean collect
    commission complete conduct coordinate create deliver deploy design develop diagnose
    document drive ensure escort fit fix follow greet handle help inspect install issue keep
    lead liaise load log maintain make manage meet monitor move order organise pack pick plan
    prepare process provide read receive record repair replace report respond review run
    schedule serve service set ship sort store support take test track train unload update use
    visit wash weigh wire work write
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# First words of ESCO labels that are not actions, or too vague to start a step on their own.
_NOT_ACTIONS = frozenset({"advice", "age", "be", "digital", "do", "have", "think"})
_WORD = re.compile(r"[a-z][a-z-]*")
_MIN_LABELS = 2  # a first word seen once may be a stray noun ("digital", "advice")
# Starting this many labels, a word reads as a verb even where spaCy tags it as a noun or an
# adjective ("read drawings and plan cable routes"); rarer ones may well be nouns ("supply").
_STRONG_LABELS = 5


@dataclass(frozen=True, slots=True)
class ActionLexicon:
    verbs: frozenset[str]  # base forms that can start a step
    strong: frozenset[str]  # the subset that nearly always acts as a verb at a clause start

    def __contains__(self, word: object) -> bool:
        return word in self.verbs


def action_lexicon(taxonomy: EscoTaxonomy | None = None) -> ActionLexicon:
    """Base-form work verbs: the common list plus first words of ESCO skill labels."""
    counts: Counter[str] = Counter()
    for skill in taxonomy.skills.values() if taxonomy is not None else ():
        if skill.skill_type == "knowledge" or not skill.preferred_label:
            continue
        first = skill.preferred_label.split(maxsplit=1)[0].lower()
        if _WORD.fullmatch(first) and not first.endswith("ly") and first not in _NOT_ACTIONS:
            counts[first] += 1
    verbs = COMMON_ACTION_VERBS | {word for word, n in counts.items() if n >= _MIN_LABELS}
    strong = frozenset(word for word, n in counts.items() if n >= _STRONG_LABELS)
    return ActionLexicon(verbs, strong)
