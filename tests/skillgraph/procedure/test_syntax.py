"""The English pipeline procedure graphs parse with comes from an extra: without it, the error
says what to install."""

from __future__ import annotations

import pytest

from skillgraph import SkillgraphError
from skillgraph.procedure import syntax


@pytest.mark.usefixtures("no_english_model")
def test_without_the_english_model_the_error_says_which_extra():
    with pytest.raises(SkillgraphError, match=r'pip install "skillgraph-esco\[procedure\]"'):
        syntax.english_pipeline()


def test_the_english_model_loads_once():
    assert syntax.english_pipeline() is syntax.english_pipeline()
