"""Benchmark: item analysis of one quiz with 10,000 attempts of 40 questions.

Budget: at most 2 s on SQLite and on PostgreSQL (issue 5). Runs against a throwaway
database: a temporary SQLite file, or a test database created (and dropped) on the server
DATABASE_URL names, e.g.

    .venv/bin/python bench/bench_item_analysis.py
    scripts/with_postgres.sh .venv/bin/python bench/bench_item_analysis.py

Learners get a latent ability and items a difficulty, so the answers correlate the way
real ones do; every fourth question is multiple response with partial credit.
"""

import statistics as stats
import time
from datetime import UTC, datetime

import numpy as np
from harness import django_setup, on_throwaway_database

ATTEMPTS = 10_000
QUESTIONS = 40
CHOICES = 4
LEARNERS = 1_000
RUNS = 5
BUDGET_SECONDS = 2.0
BATCH = 5_000

django_setup()

from django.db import connection  # noqa: E402

from edu_site.models import User  # noqa: E402
from quizzes.models import (  # noqa: E402
    Attempt,
    Choice,
    Question,
    Quiz,
    QuizQuestion,
    Response,
    ResponseChoice,
)
from quizzes.statistics import quiz_item_analysis  # noqa: E402


def build(rng: np.random.Generator) -> Quiz:
    quiz = Quiz.objects.create(title="Benchmark", slug="benchmark", is_published=True)
    questions = Question.objects.bulk_create(
        Question(
            stem=f"Question {i}",
            kind="multiple" if i % 4 == 0 else "single",
            explanation="-",
            references="-",
            status="ready",
        )
        for i in range(QUESTIONS)
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=q, order=i) for i, q in enumerate(questions)
    )
    choices = Choice.objects.bulk_create(
        Choice(question=q, text=f"Option {c}", is_correct=c == 0, explanation="-", order=c)
        for q in questions
        for c in range(CHOICES)
    )
    users = User.objects.bulk_create(User(username=f"bench{i}") for i in range(LEARNERS))
    now = datetime.now(UTC)

    ability = rng.normal(size=ATTEMPTS)
    difficulty = rng.normal(size=QUESTIONS)
    p_right = 1 / (1 + np.exp(-(ability[:, None] - difficulty[None, :])))
    right = rng.random((ATTEMPTS, QUESTIONS)) < p_right
    partial = np.where(rng.random((ATTEMPTS, QUESTIONS)) < 0.5, 0.5, 0.0)
    multiple = np.array([i % 4 == 0 for i in range(QUESTIONS)])
    fraction = np.where(right, 1.0, np.where(multiple[None, :], partial, 0.0))
    totals = fraction.sum(axis=1)

    attempts = Attempt.objects.bulk_create(
        (
            Attempt(
                user=users[a % LEARNERS],
                quiz=quiz,
                number=a // LEARNERS + 1,
                state="finished",
                started_at=now,
                finished_at=now,
                score=float(totals[a]),
                raw_score=float(totals[a]),
                max_score=float(QUESTIONS),
            )
            for a in range(ATTEMPTS)
        ),
        batch_size=BATCH,
    )
    responses = Response.objects.bulk_create(
        (
            Response(
                attempt=attempts[a],
                question=questions[q],
                position=q + 1,
                answered_at=now,
                fraction=float(fraction[a, q]),
                is_correct=bool(right[a, q]),
                marks=float(fraction[a, q]),
            )
            for a in range(ATTEMPTS)
            for q in range(QUESTIONS)
        ),
        batch_size=BATCH,
    )
    wrong_pick = rng.integers(1, CHOICES, size=(ATTEMPTS, QUESTIONS))
    ResponseChoice.objects.bulk_create(
        (
            ResponseChoice(
                response=responses[a * QUESTIONS + q],
                choice=choices[q * CHOICES + (0 if right[a, q] else int(wrong_pick[a, q]))],
            )
            for a in range(ATTEMPTS)
            for q in range(QUESTIONS)
        ),
        batch_size=BATCH,
    )
    return quiz


def main() -> None:
    on_throwaway_database(run)


def run() -> None:
    started = time.perf_counter()
    quiz = build(np.random.default_rng(2026))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; built {ATTEMPTS:,} attempts x {QUESTIONS} questions "
        f"({ATTEMPTS * QUESTIONS:,} responses) in {time.perf_counter() - started:.1f} s"
    )
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        report = quiz_item_analysis(quiz=quiz)
        timings.append(time.perf_counter() - started)
    median = stats.median(timings)
    print("item analysis runs (s): " + ", ".join(f"{t:.3f}" for t in timings))
    print(
        f"median {median:.3f} s (budget {BUDGET_SECONDS:.1f} s): "
        f"{'within budget' if median <= BUDGET_SECONDS else 'OVER BUDGET'}"
    )
    print(
        f"alpha {report.cronbach_alpha:.3f}, SEM {report.standard_error:.2f}, "
        f"{len(report.flagged_items)} of {len(report.items)} items flagged"
    )


if __name__ == "__main__":
    main()
