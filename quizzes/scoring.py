"""Marking rules, as plain functions of ids and flags (no database), so they are easy to test.

- Single best answer and true/false: fraction 1 for the right choice, else 0.
- Multiple response (partial credit): fraction = max(0, R/C - W/I), where C and I are the
  numbers of correct and incorrect options, and R and W how many of each were ticked.
  Ticking everything scores 0; ticking nothing scores 0; each wrong tick costs as much as
  a right tick earns, in proportion to how many there are of each.
- Certainty-based marking (Moodle's scale): marks = right * f + wrong * (1 - f) with
  (right, wrong) = (1, 0) low, (2, -2) medium, (3, -6) high certainty, f the fraction.
  Without CBM the marks are the fraction itself.
See docs/quizzes.md.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from quizzes.models import Confidence, Question

CBM_MARKS: dict[str, tuple[int, int]] = {
    Confidence.LOW: (1, 0),
    Confidence.MEDIUM: (2, -2),
    Confidence.HIGH: (3, -6),
}
CBM_MAX_MARK = 3


@dataclass(frozen=True)
class Marking:
    fraction: float
    is_correct: bool
    marks: float


def answer_fraction(
    *,
    kind: str,
    correct_ids: Collection[int],
    all_ids: Collection[int],
    chosen_ids: Collection[int],
) -> float:
    """How much of the question the chosen options earn, from 0 to 1."""
    chosen, correct = set(chosen_ids), set(correct_ids)
    if kind != Question.Kind.MULTIPLE:
        return 1.0 if len(chosen) == 1 and chosen <= correct else 0.0
    incorrect = set(all_ids) - correct
    right_share = len(chosen & correct) / len(correct) if correct else 0.0
    wrong_share = len(chosen & incorrect) / len(incorrect) if incorrect else 0.0
    return max(0.0, right_share - wrong_share)


def cbm_marks(*, fraction: float, confidence: str) -> float:
    """Moodle's certainty-based marks, interpolated for partial credit."""
    right, wrong = CBM_MARKS[confidence]
    return right * fraction + wrong * (1 - fraction)


def mark_answer(
    *,
    kind: str,
    correct_ids: Collection[int],
    all_ids: Collection[int],
    chosen_ids: Collection[int],
    certainty_based: bool,
    confidence: str,
) -> Marking:
    fraction = answer_fraction(
        kind=kind, correct_ids=correct_ids, all_ids=all_ids, chosen_ids=chosen_ids
    )
    marks = cbm_marks(fraction=fraction, confidence=confidence) if certainty_based else fraction
    return Marking(fraction=fraction, is_correct=fraction >= 1.0, marks=marks)


def max_marks_per_question(*, certainty_based: bool) -> int:
    return CBM_MAX_MARK if certainty_based else 1
