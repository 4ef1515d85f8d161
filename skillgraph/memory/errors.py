"""Errors of the example memory; services turn them into messages and status codes."""

from __future__ import annotations

from collections.abc import Sequence

from skillgraph.errors import InputError, SkillgraphError


class ExampleError(InputError):
    """An example cannot be stored: empty text, no skill, a skill both positive and negative."""


class UnknownSkillError(ExampleError):
    """An example names skills the loaded ESCO release does not have."""

    def __init__(self, references: Sequence[str], release: str) -> None:
        self.references = tuple(references)
        super().__init__(f"unknown ESCO skill(s) in {release}: {', '.join(self.references)}")


class ExampleBatchError(ExampleError):
    """Some examples of a batch are unusable; nothing of the batch was stored."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(f"#{index}: {reason}" for index, reason in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} example(s) unusable, none stored: {listed}{more}")


class ExampleNotFoundError(SkillgraphError, LookupError):
    """No stored example has this id (never stored, or removed)."""

    def __init__(self, example_id: int) -> None:
        self.example_id = example_id
        super().__init__(f"no stored example with id {example_id}")


class MemoryUnavailableError(SkillgraphError):
    """The memory is switched off, or its configuration names something that does not exist."""
