"""The rules a question must meet before it is saved, as one plain function.

The admin's choice formset and the importer both call `question_problems`, so a
question typed in admin and one read from a Moodle or GIFT file meet the same rules.
Every problem is returned at once, so an author fixes them in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SINGLE_MIN_OPTIONS = 3
SINGLE_MAX_OPTIONS = 6
TRUE_FALSE_TEXTS = ("True", "False")


@dataclass(frozen=True)
class OptionDraft:
    """An option as an author wrote it, before it is saved."""

    text: str
    is_correct: bool
    explanation: str


def question_problems(*, kind: str, options: Sequence[OptionDraft], references: str) -> list[str]:
    """Every rule the question breaks, in words for its author; empty when it may be saved."""
    problems = _key_problems(kind, options)
    unexplained = [
        str(number)
        for number, option in enumerate(options, start=1)
        if not option.explanation.strip()
    ]
    if unexplained:
        problems.append(
            f"Explain every option, right or wrong: option{'s' if len(unexplained) > 1 else ''} "
            f"{', '.join(unexplained)} {'have' if len(unexplained) > 1 else 'has'} no explanation."
        )
    if not any(line.strip() for line in references.splitlines()):
        problems.append("Give at least one reference, one a line.")
    return problems


def _key_problems(kind: str, options: Sequence[OptionDraft]) -> list[str]:
    correct = sum(option.is_correct for option in options)
    count = len(options)
    problems = []
    if kind == "single":
        if not SINGLE_MIN_OPTIONS <= count <= SINGLE_MAX_OPTIONS:
            problems.append(
                f"A single-best-answer question has {SINGLE_MIN_OPTIONS} to "
                f"{SINGLE_MAX_OPTIONS} options; this one has {count}."
            )
        if correct != 1:
            problems.append(
                f"A single-best-answer question has exactly one correct option; "
                f"this one has {correct}."
            )
    elif kind == "multiple":
        if correct < 1:
            problems.append("A multiple-response question needs at least one correct option.")
        if correct == count:
            problems.append(
                "A multiple-response question needs at least one incorrect option; "
                "otherwise ticking everything earns full marks."
            )
    elif kind == "true_false":
        texts = sorted(option.text.strip().casefold() for option in options)
        if texts != sorted(text.casefold() for text in TRUE_FALSE_TEXTS):
            problems.append(
                "A true/false question has exactly two options, True and False; this one has "
                f"{count}: {', '.join(repr(option.text) for option in options) or 'none'}."
            )
        if correct != 1:
            problems.append(
                f"A true/false question has exactly one correct option; this one has {correct}."
            )
    else:
        problems.append(f"Unknown kind of question: {kind!r}.")
    return problems
