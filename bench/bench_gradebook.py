"""Benchmark: a class gradebook and case analytics at the sizes issue 13 names.

Budgets: the gradebook of 300 learners x 20 assignments at most 300 ms server time (median)
with a query count that does not grow; case analytics over 10,000 finished attempts at most
1 s, on SQLite and on PostgreSQL. Runs against a throwaway database, as
bench_item_analysis.py does:

    .venv/bin/python bench/bench_gradebook.py
    scripts/with_postgres.sh .venv/bin/python bench/bench_gradebook.py

Server time is the whole request through Django's test client (middleware, session, view,
template), without a network. Attempts are written in bulk with the shapes the services
store: the analytics attempts copy one real scored attempt's breakdown with each check's
credit redrawn, so the JSON the database reads is as large as the real one.
"""

import copy
import os
import statistics as stats
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np
from harness import django_setup, on_throwaway_database

LEARNERS = 300
ASSIGNMENTS = 20
ANALYTICS_ATTEMPTS = 10_000
ANALYTICS_LEARNERS = 2_500
RUNS = 7
GRADEBOOK_BUDGET_S = 0.3
ANALYTICS_BUDGET_S = 1.0
BATCH = 2_000

django_setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases import analytics, services  # noqa: E402
from cases.exchange import shipped_cases_import  # noqa: E402
from cases.models import Attempt as CaseAttempt  # noqa: E402
from cases.models import (  # noqa: E402
    Case,
    CheckResult,
    CourseOutcome,
    DiagnosisSubmission,
    Stage,
    TestOrder,
)
from edu_site.classes.models import (  # noqa: E402
    Assignment,
    AssignmentAttempt,
    Class,
    Enrollment,
    Term,
)
from edu_site.models import User  # noqa: E402
from edu_site.roles import educator_grant  # noqa: E402
from quizzes.models import Attempt as QuizAttempt  # noqa: E402
from quizzes.models import Quiz  # noqa: E402

FIXTURES = (
    "10_topics.json",
    "15_references.json",
    "20_case_catalogs.json",
)
"""The case content, then the question bank and its quizzes (files 50-59, in name order)."""
KEY_TESTS = ["hrct-chest", "bronchoscopy-bal", "ctd-serology", "crp-esr"]


def scored_attempt(case: Case, user: User) -> CaseAttempt:
    """One attempt played through the real services, whose breakdown the copies start from."""
    attempt = services.attempt_start(user=user, case=case)
    services.workup_begin(attempt=attempt)
    services.test_order(attempt=attempt, investigation_keys=KEY_TESTS)
    services.clock_advance(attempt=attempt, hours=72)
    services.workup_finish(attempt=attempt)
    content = attempt.content
    ordered = set(KEY_TESTS)
    for question in services.questions_available(attempt, content, ordered):
        first = question["options"][0]["key"]
        services.answer_submit(attempt=attempt, question_key=question["key"], option_keys=[first])
    services.interpretation_finish(attempt=attempt)
    services.diagnosis_submit(
        attempt=attempt,
        primary_key=content.target_diagnosis["key"],
        confidence_pct=70,
        differential={},
    )
    plan = services.PlanInput(
        agent="prednisone", dose=0.75, unit="mg/kg/day", duration_days=28, taper=[(0.25, 60)]
    )
    services.plan_submit(attempt=attempt, plan_input=plan)
    while attempt.decision_event is not None:
        services.outcome_continue(attempt=attempt)
    services.attempt_finish(attempt=attempt)
    attempt.refresh_from_db()
    return attempt


def build_gradebook(rng: np.random.Generator, case: Case, quiz: Quiz, educator: User) -> Class:
    now = datetime.now(UTC)
    term = Term.objects.create(
        name="Bench term", starts_on=now.date() - timedelta(days=30), ends_on=now.date()
    )
    klass = Class.objects.create(name="Bench class", term=term, join_code="BENCH234")
    klass.educators.add(educator)
    learners = User.objects.bulk_create(User(username=f"gb{i}") for i in range(LEARNERS))
    Enrollment.objects.bulk_create(Enrollment(klass=klass, learner=u) for u in learners)
    assignments = Assignment.objects.bulk_create(
        Assignment(
            klass=klass,
            case=case if i % 2 else None,
            quiz=None if i % 2 else quiz,
            opens_at=now - timedelta(days=20),
            due_at=now - timedelta(days=10 - i % 5),
            closes_at=now + timedelta(days=10),
            attempts_allowed=0,
            counts=("first", "best", "last")[i % 3],
        )
        for i in range(ASSIGNMENTS)
    )
    version = services.case_version_current(case=case)
    links = []
    for assignment in assignments:
        tries = rng.integers(0, 3, size=LEARNERS)
        finished_days = rng.uniform(1, 15, size=(LEARNERS, 2))
        scores = rng.uniform(20, 100, size=(LEARNERS, 2))
        if assignment.case_id:
            cases_made = CaseAttempt.objects.bulk_create(
                (
                    CaseAttempt(
                        user=learners[i],
                        case=case,
                        case_version=version,
                        seed=i,
                        patient={},
                        stage=Stage.DEBRIEF,
                        score=float(scores[i, t]),
                        finished_at=now - timedelta(days=float(finished_days[i, t])),
                    )
                    for i in range(LEARNERS)
                    for t in range(tries[i])
                ),
                batch_size=BATCH,
            )
            links += [
                AssignmentAttempt(assignment=assignment, learner_id=a.user_id, case_attempt=a)
                for a in cases_made
            ]
        else:
            quizzes_made = QuizAttempt.objects.bulk_create(
                (
                    QuizAttempt(
                        user=learners[i],
                        quiz=quiz,
                        number=assignment.pk * 10 + t,
                        state="finished",
                        started_at=now - timedelta(days=16),
                        finished_at=now - timedelta(days=float(finished_days[i, t])),
                        score=float(scores[i, t]) / 10,
                        max_score=10.0,
                        raw_score=float(scores[i, t]) / 10,
                    )
                    for i in range(LEARNERS)
                    for t in range(tries[i])
                ),
                batch_size=BATCH,
            )
            links += [
                AssignmentAttempt(assignment=assignment, learner_id=a.user_id, quiz_attempt=a)
                for a in quizzes_made
            ]
    AssignmentAttempt.objects.bulk_create(links, batch_size=BATCH)
    return klass


def build_analytics(rng: np.random.Generator, case: Case, template: CaseAttempt) -> None:
    """10,000 finished attempts on the case, with their orders, diagnoses and outcomes."""
    now = datetime.now(UTC)
    learners = User.objects.bulk_create(User(username=f"ca{i}") for i in range(ANALYTICS_LEARNERS))
    content = template.content
    keys = [i["key"] for i in content.investigations]
    diagnoses = [d["key"] for d in content.diagnoses]
    attempts = []
    for n in range(ANALYTICS_ATTEMPTS):
        breakdown = copy.deepcopy(template.score_breakdown)
        for competency in breakdown["competencies"]:
            for check in competency["checks"]:
                check["earned"] = float(rng.choice([0.0, 0.5, 1.0]))
            competency["score"] = float(np.mean([c["earned"] for c in competency["checks"]]))
        attempts.append(
            CaseAttempt(
                user=learners[n % ANALYTICS_LEARNERS],
                case=case,
                case_version=template.case_version,
                seed=n,
                patient=template.patient,
                stage=Stage.DEBRIEF,
                score=float(rng.uniform(20, 100)),
                score_breakdown=breakdown,
                started_at=now - timedelta(minutes=float(rng.uniform(10, 90))),
                finished_at=now,
            )
        )
    attempts = CaseAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    # started_at is set on creation; spread it so time spent has a distribution.
    for index, minutes in enumerate((12, 25, 45, 80)):
        CaseAttempt.objects.filter(pk__in=[a.pk for a in attempts if a.seed % 4 == index]).update(
            started_at=now - timedelta(minutes=minutes)
        )
    CheckResult.objects.bulk_create(
        (row for a in attempts for row in CheckResult.from_breakdown(a.pk, a.score_breakdown)),
        batch_size=BATCH,
    )
    TestOrder.objects.bulk_create(
        (
            TestOrder(
                attempt=attempt,
                investigation_key=key,
                ordered_at_hours=0,
                ready_at_hours=4,
                cost=10,
                risk_pct=0,
                appropriateness="neutral",
            )
            for attempt in attempts
            for key in rng.choice(keys, size=int(rng.integers(3, 9)), replace=False)
        ),
        batch_size=BATCH,
    )
    DiagnosisSubmission.objects.bulk_create(
        (
            DiagnosisSubmission(
                attempt=attempt,
                primary_key=str(rng.choice(diagnoses)),
                confidence_pct=70,
                differential={},
                submitted_at_hours=72,
            )
            for attempt in attempts
        ),
        batch_size=BATCH,
    )
    CourseOutcome.objects.bulk_create(
        (
            CourseOutcome(
                attempt=attempt,
                course=course,
                relapses=int(rng.integers(0, 3)),
                adverse_events=int(rng.integers(0, 2)),
                admissions=int(rng.integers(0, 2)),
                recovered=bool(rng.random() < 0.7),
                alive_at_5y=bool(rng.random() < 0.97),
                cumulative_1y_mg=4000,
            )
            for attempt in attempts
            for course in ("learner", "recommended")
        ),
        batch_size=BATCH,
    )


def timed(action: Callable[[], object], runs: int = RUNS) -> tuple[float, float, list[float], int]:
    """Medians of wall-clock and of this process's CPU seconds, every run, and the queries of
    the last run. On SQLite the database works inside this process, so CPU time is the server
    time with what other programs on a shared machine take out of it."""
    walls, cpus = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return stats.median(walls), stats.median(cpus), walls, len(queries)


def verdict(median: float, budget: float) -> str:
    return "within budget" if median <= budget else "OVER BUDGET"


def main() -> None:
    on_throwaway_database(run)


def run() -> None:
    setup_test_environment()
    # Pages render without collectstatic, as in the tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    started = time.perf_counter()
    call_command(
        "loaddata",
        *(str(settings.BASE_DIR / "fixtures" / f) for f in FIXTURES),
        *map(str, sorted((settings.BASE_DIR / "fixtures").glob("5?_*.json"))),
        verbosity=0,
    )
    shipped_cases_import(["cough-after-antibiotics"])
    rng = np.random.default_rng(2026)
    educator = User.objects.create(username="bench-educator")
    educator_grant(educator)
    case = Case.objects.filter(status=Case.Status.PUBLISHED).order_by("pk")[0]
    quiz = Quiz.objects.filter(is_published=True, owner=None).order_by("pk")[0]
    klass = build_gradebook(rng, case, quiz, educator)
    template = scored_attempt(case, User.objects.create(username="bench-player"))
    build_analytics(rng, case, template)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    links = AssignmentAttempt.objects.filter(assignment__klass=klass).count()
    print(
        f"database: {connection.vendor}; gradebook {LEARNERS} learners x {ASSIGNMENTS} "
        f"assignments ({links:,} linked attempts); analytics over "
        f"{ANALYTICS_ATTEMPTS:,} attempts; built in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(educator)
    gradebook_url = reverse("classes:gradebook", args=[klass.pk])
    csv_url = reverse("classes:gradebook-csv", args=[klass.pk])
    analytics_url = reverse("cases:analytics", args=[case.slug])

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for label, url, budget in (
        ("gradebook page", gradebook_url, GRADEBOOK_BUDGET_S),
        ("gradebook.csv", csv_url, GRADEBOOK_BUDGET_S),
        ("case analytics page", analytics_url, ANALYTICS_BUDGET_S),
    ):
        get(url)  # warm caches and templates
        wall, cpu, walls, queries = timed(partial(get, url))
        print(
            f"{label}: runs (ms) {', '.join(f'{t * 1000:.0f}' for t in walls)}; median "
            f"{wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU, {queries} queries "
            f"(budget {budget * 1000:.0f} ms): {verdict(wall, budget)}"
        )
    attempts = analytics.finished_attempts(case)
    wall, cpu, _, queries = timed(lambda: analytics.case_analytics(case=case, attempts=attempts))
    print(
        f"case_analytics() alone: median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU, "
        f"{queries} queries; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
