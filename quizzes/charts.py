"""Score over time on My progress: one line per kind of quiz, as a server-rendered SVG.

Exams, tutor quizzes, certainty-marked quizzes and the learner's own practice are not the
same measure, so each kind gets its own line (and its own marker shape, so colour is not
the only cue). Certainty-based marks can fall below zero (-6 for a confident wrong
answer), which reads as nonsense on a 0-100 scale: those quizzes are drawn by accuracy,
the share of questions answered right, and the table beside the chart gives both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quizzes import scoring
from quizzes.models import Attempt, Quiz

WIDTH, HEIGHT = 360, 220
"""Drawn at phone width, so its 12-pixel labels stay readable on a 390-pixel screen."""
LEFT, RIGHT, TOP, BOTTOM = 40, 14, 14, 36
KINDS = {
    "exam": ("Exams", "circle"),
    "tutor": ("Tutor-mode quizzes", "square"),
    "certainty": ("Certainty-based quizzes (accuracy)", "triangle"),
    "practice": ("Practice and review sessions", "diamond"),
}


def attempt_kind(attempt: Attempt) -> str:
    quiz = attempt.quiz
    if quiz.is_practice:
        return "practice"
    if quiz.certainty_based_marking:
        return "certainty"
    return "exam" if quiz.mode == Quiz.Mode.EXAM else "tutor"


def attempt_percent(attempt: Attempt) -> float:
    """Percent of marks, or for certainty-based marking the percent answered right."""
    if not attempt.max_score:
        return 0.0
    if attempt.quiz.certainty_based_marking:
        per_question = scoring.max_marks_per_question(certainty_based=True)
        questions = attempt.max_score / per_question
        return round(100 * (attempt.raw_score or 0.0) / questions, 1)
    return round(100 * (attempt.score or 0.0) / attempt.max_score, 1)


@dataclass(frozen=True)
class ScoreChart:
    title: str
    description: str
    series: list[dict[str, Any]]
    y_ticks: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM


def score_over_time(attempts: Sequence[Attempt]) -> ScoreChart | None:
    """The finished attempts, oldest first, spread evenly along the x axis."""
    if not attempts:
        return None
    count = len(attempts)

    def x(index: int) -> float:
        return round(LEFT + (WIDTH - RIGHT - LEFT) * (index / max(count - 1, 1)), 1)

    def y(percent: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * max(0.0, percent) / 100, 1)

    rows: list[dict[str, Any]] = [
        {
            "number": index + 1,
            "attempt": attempt,
            "kind": attempt_kind(attempt),
            "kind_label": KINDS[attempt_kind(attempt)][0],
            "percent": attempt_percent(attempt),
            "x": x(index),
        }
        for index, attempt in enumerate(attempts)
    ]
    series: list[dict[str, Any]] = []
    for kind, (label, shape) in KINDS.items():
        points = [row for row in rows if row["kind"] == kind]
        if points:
            series.append(
                {
                    "kind": kind,
                    "label": label,
                    "shape": shape,
                    "points": " ".join(f"{p['x']},{y(p['percent'])}" for p in points),
                    "markers": [{**p, "y": y(p["percent"])} for p in points],
                }
            )
    return ScoreChart(
        title="Quiz scores over time",
        description=(
            f"{count} finished quiz attempt(s), oldest first, one line per kind: "
            + "; ".join(
                f"{s['label']}: " + ", ".join(f"{m['percent']:g}%" for m in s["markers"])
                for s in series
            )
            + ". The table beside the chart lists each attempt."
        ),
        series=series,
        y_ticks=[{"y": y(value), "label": f"{value}%"} for value in range(0, 101, 25)],
        rows=rows,
    )
