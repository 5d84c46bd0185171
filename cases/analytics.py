"""Case analytics for educators: how a group of learners worked one case.

Every figure is a database aggregate over the finished attempts chosen (a class's, or all
learners'), so the page costs the same queries for ten attempts or ten thousand. The score
breakdown is read from its rows (CheckResult: each check of each competency, written from
the breakdown the debrief shows) and outcomes from CourseOutcome, because parsing thousands
of JSON breakdowns and timelines takes seconds.

Percentages show only from MIN_LEARNERS learners: below that a share describes one or two
people, which says little and points at someone. docs/cases.md documents the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet

from cases.content import CaseContent
from cases.models import (
    Attempt,
    Case,
    CheckResult,
    CourseOutcome,
    DiagnosisSubmission,
    Stage,
    TestOrder,
)

MIN_LEARNERS = 5
"""Fewest learners with a finished attempt before any percentage is shown; our choice."""
SCORE_BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))
"""Shares of a competency earned, in fifths; the last band includes a full score."""
MINUTE_BANDS = (15, 30, 60)
PLAN_COMPETENCY = "management"
"""The competency whose checks are the plan's (the case's management rules)."""
FAILED_CHECKS_SHOWN = 8


def finished_attempts(case: Case) -> QuerySet[Attempt]:
    """The case's scored attempts; callers narrow them to a class's learners."""
    return Attempt.objects.counted().filter(case=case, stage=Stage.DEBRIEF, score__isnull=False)


def share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


@dataclass(frozen=True)
class Band:
    label: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class CompetencyRow:
    key: str
    label: str
    mean_percent: float | None
    bands: list[Band]


@dataclass(frozen=True)
class TestRow:
    name: str
    appropriateness: str
    ordered: int
    percent: float | None


@dataclass(frozen=True)
class DiagnosisRow:
    name: str
    role: str
    chosen: int
    percent: float | None


@dataclass(frozen=True)
class CheckRow:
    label: str
    failed: int
    judged: int
    percent: float | None


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    learners: float | None
    recommended: float | None


@dataclass
class CaseAnalytics:
    attempts: int
    learners: int
    mean_score: float | None = None
    mean_minutes: float | None = None
    minute_bands: list[Band] = field(default_factory=list)
    competencies: list[CompetencyRow] = field(default_factory=list)
    tests: list[TestRow] = field(default_factory=list)
    diagnoses: list[DiagnosisRow] = field(default_factory=list)
    failed_checks: list[CheckRow] = field(default_factory=list)
    outcomes: list[OutcomeRow] = field(default_factory=list)

    @property
    def shows_percentages(self) -> bool:
        return self.learners >= MIN_LEARNERS


def case_analytics(*, case: Case, attempts: QuerySet[Attempt]) -> CaseAnalytics:
    """Every figure of the analytics page over ``attempts`` (finished ones of this case)."""
    duration = F("finished_at") - F("started_at")
    totals = attempts.aggregate(
        attempts=Count("pk"),
        learners=Count("user", distinct=True),
        mean_score=Avg("score"),
        mean_duration=Avg(duration),
        **{
            f"within_{minutes}": Count(
                "pk", filter=Q(finished_at__lte=F("started_at") + timedelta(minutes=minutes))
            )
            for minutes in MINUTE_BANDS
        },
    )
    report = CaseAnalytics(attempts=totals["attempts"], learners=totals["learners"])
    if not report.shows_percentages:
        return report
    n = report.attempts
    report.mean_score = round(totals["mean_score"], 1)
    report.mean_minutes = round(totals["mean_duration"].total_seconds() / 60, 1)
    report.minute_bands = _minute_bands(totals, n)
    version = case.versions.released().order_by("-number").first()
    content = CaseContent(version.snapshot) if version else None
    ids = attempts.values("pk")
    report.competencies = _competencies(ids, n)
    report.failed_checks = _failed_checks(ids)
    if content is not None:
        report.tests = _tests(content, ids, n)
        report.diagnoses = _diagnoses(content, ids, n)
    report.outcomes = _outcomes(ids)
    return report


def _minute_bands(totals: dict[str, Any], n: int) -> list[Band]:
    bands, below = [], 0
    for minutes in MINUTE_BANDS:
        count = totals[f"within_{minutes}"] - below
        bands.append(Band(f"up to {minutes} min", count, share(count, n)))
        below = totals[f"within_{minutes}"]
    bands.append(Band(f"over {MINUTE_BANDS[-1]} min", n - below, share(n - below, n)))
    return bands


# --- the score breakdown, from its rows ----------------------------------------------------


def _competencies(ids: QuerySet[Any], n: int) -> list[CompetencyRow]:
    """Per competency, in the breakdown's order: the mean share earned and its fifths. Each
    competency's first check row carries the competency's score once per attempt."""
    rows = (
        CheckResult.objects.filter(attempt__in=ids, position=0)
        .values("competency")
        .annotate(
            label=Max("competency_label"),
            order=Min("competency_position"),
            mean=Avg("competency_score"),
            **{
                f"band{i}": Count(
                    "pk", filter=Q(competency_score__gte=low, competency_score__lt=high)
                )
                for i, (low, high) in enumerate(SCORE_BANDS)
            },
        )
        .order_by("order")
    )
    labels = [f"{round(100 * low)}-{min(100, round(100 * high))}%" for low, high in SCORE_BANDS]
    return [
        CompetencyRow(
            key=row["competency"],
            label=row["label"],
            mean_percent=round(100 * row["mean"], 1),
            bands=[
                Band(text, row[f"band{i}"], share(row[f"band{i}"], n))
                for i, text in enumerate(labels)
            ],
        )
        for row in _dicts(rows)
    ]


def _dicts(rows: Any) -> list[dict[str, Any]]:
    """Annotated values() rows, typed loosely: their keys are the annotations just made."""
    return [dict(row) for row in rows]


def _failed_checks(ids: QuerySet[Any]) -> list[CheckRow]:
    """The plan's checks learners most often failed; a check that was not due is no failure."""
    rows = (
        CheckResult.objects.filter(attempt__in=ids, competency=PLAN_COMPETENCY)
        .values("label")
        .annotate(judged=Count("pk"), failed=Count("pk", filter=Q(earned__lt=1, due=True)))
        .filter(failed__gt=0)
        .order_by("-failed", "label")[:FAILED_CHECKS_SHOWN]
    )
    return [
        CheckRow(row["label"], row["failed"], row["judged"], share(row["failed"], row["judged"]))
        for row in rows
    ]


# --- tests, diagnoses and outcomes, with the ORM -------------------------------------------


def _tests(content: CaseContent, ids: QuerySet[Any], n: int) -> list[TestRow]:
    """Each test of the case's latest version, how often it was ordered, beside its rating."""
    ordered = dict(
        TestOrder.objects.filter(attempt__in=ids)
        .values("investigation_key")
        .annotate(n=Count("attempt", distinct=True))
        .values_list("investigation_key", "n")
    )
    rows = [
        TestRow(
            investigation["name"],
            investigation["appropriateness"],
            ordered.get(investigation["key"], 0),
            share(ordered.get(investigation["key"], 0), n),
        )
        for investigation in content.investigations
    ]
    return sorted(rows, key=lambda row: (-row.ordered, row.name))


def _diagnoses(content: CaseContent, ids: QuerySet[Any], n: int) -> list[DiagnosisRow]:
    chosen = dict(
        DiagnosisSubmission.objects.filter(attempt__in=ids)
        .values("primary_key")
        .annotate(n=Count("pk"))
        .values_list("primary_key", "n")
    )
    rows = [
        DiagnosisRow(
            d["name"], d["role"], chosen.get(d["key"], 0), share(chosen.get(d["key"], 0), n)
        )
        for d in content.diagnoses
    ]
    return sorted(rows, key=lambda row: (-row.chosen, row.name))


OUTCOME_MEASURES = (
    ("At least one relapse", Q(relapses__gt=0)),
    ("An adverse event of treatment", Q(adverse_events__gt=0)),
    ("A hospital admission", Q(admissions__gt=0)),
    ("Recovered", Q(recovered=True)),
    ("Died within five years", Q(alive_at_5y=False)),
)


def _outcomes(ids: QuerySet[Any]) -> list[OutcomeRow]:
    """Outcome rates under the learners' plans beside the recommended plan's, same patients."""
    rows = (
        CourseOutcome.objects.filter(attempt__in=ids)
        .values("course")
        .annotate(
            total=Count("pk"),
            **{f"m{i}": Count("pk", filter=q) for i, (_, q) in enumerate(OUTCOME_MEASURES)},
        )
    )
    by_course: dict[str, dict[str, Any]] = {row["course"]: dict(row) for row in rows}
    empty: dict[str, Any] = {"total": 0}
    learner = by_course.get(CourseOutcome.Course.LEARNER, empty)
    recommended = by_course.get(CourseOutcome.Course.RECOMMENDED, empty)
    return [
        OutcomeRow(
            label,
            share(learner.get(f"m{i}", 0), learner["total"]),
            share(recommended.get(f"m{i}", 0), recommended["total"]),
        )
        for i, (label, _) in enumerate(OUTCOME_MEASURES)
    ]
