"""Reads for the case pages, each with a fixed number of queries whatever the data size."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from cases import charts, scoring
from cases.cohorts import CohortComparison
from cases.content import CaseContent, citation
from cases.errors import AttemptConflict
from cases.models import Attempt, Case, InterpretationAnswer, Stage
from cases.simulation import HORIZON_DAYS, Event, EventKind, Patient, Plan, Timeline
from cases.snapshot import DiagnosisEntry, InvestigationEntry, ResultValue
from edu_site.models import User
from edu_site.release import source_digest
from quizzes.selectors import TopicTally

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

RESULT_DECIMALS = 1
T = TypeVar("T")


class MyAttempts(TypedDict):
    my_attempts: list[Attempt]


def published_cases_for(user: User) -> QuerySet[WithAnnotations[Case, MyAttempts]]:
    """Published cases with this learner's attempts attached (two queries in all); an
    educator's previews are not among them (the case's own page lists those, marked)."""
    mine = (
        Attempt.objects.counted()
        .filter(user=user)
        .only(
            "id",
            "case_id",
            "stage",
            "score",
            "started_at",
            "finished_at",
            "abandoned_at",
            "preview",
        )
    )
    return Case.objects.filter(status=Case.Status.PUBLISHED).prefetch_related(
        Prefetch("attempts", queryset=mine, to_attr="my_attempts")
    )


def published_case(slug: str, user: User) -> WithAnnotations[Case, MyAttempts]:
    return get_object_or_404(published_cases_for(user), slug=slug)


def case_for_viewer(slug: str, user: User) -> WithAnnotations[Case, MyAttempts]:
    """The case page's case: a published one for a learner; any, draft or retired, for staff,
    who preview drafts from it (admin's "View on site")."""
    if not user.is_staff:
        return published_case(slug, user)
    mine = Attempt.objects.filter(user=user).only(
        "id", "case_id", "stage", "score", "started_at", "finished_at", "abandoned_at", "preview"
    )
    cases = Case.objects.prefetch_related(
        Prefetch("attempts", queryset=mine, to_attr="my_attempts")
    )
    return get_object_or_404(cases, slug=slug)


def attempt_for_staff(pk: int) -> Attempt:
    """Any learner's attempt, for an educator reading it (the caller checks staff status)."""
    return get_object_or_404(Attempt.objects.select_related("case", "case_version", "user"), pk=pk)


def attempt_dead_end(content: CaseContent) -> str:
    """Why a frozen version cannot be played to its debrief, or "" when it can.

    Versions frozen before the publish checklist could lack what the player needs: an
    attempt on one says so and offers a new start instead of leaving the learner stuck.
    """
    for question in content.questions:
        if not question["options"]:
            return "one of its questions has no options to choose from"
        if not any(option["correct"] for option in question["options"]):
            return "one of its questions has no right answer"
    if not any(d["role"] == "target" for d in content.diagnoses):
        return "it has no diagnosis to reach"
    if not content.therapies:
        return "it offers no treatment"
    return ""


ENGINE_RESULTS = ("timeline", "counterfactual", "cohort_comparison")
"""The attempt's large engine results, which a page whose course is kept rendered need not
read (``defer``); one that does read one loads it then."""


def attempt_for_user(user: User, pk: int, *, defer: Sequence[str] = ()) -> Attempt:
    """The learner's own attempt with its frozen content; anyone else's is a 404."""
    return get_object_or_404(
        Attempt.objects.select_related("case", "case_version").defer(*defer), pk=pk, user=user
    )


class ShownValue(ResultValue):
    """A result value as the work-up page prints it."""

    shown: str
    flag: str
    reference: str


def _value_text(value: ResultValue, patient: dict[str, Any]) -> ShownValue:
    """A structured value as shown: read from the patient when linked, flagged H or L."""
    number = patient[value["patient_field"]] if value["patient_field"] else value["value"]
    flag = ""
    if number is not None:
        if value["low"] is not None and number < value["low"]:
            flag = "L"
        elif value["high"] is not None and number > value["high"]:
            flag = "H"
    shown = value["text_value"] if number is None else f"{number:g}"
    if number is not None and not float(number).is_integer():
        shown = f"{round(number, RESULT_DECIMALS):g}"
    reference = ""
    if value["low"] is not None and value["high"] is not None:
        reference = f"{value['low']:g} to {value['high']:g}"
    return {**value, "shown": shown, "flag": flag, "reference": reference}


@dataclass(frozen=True)
class OrderView:
    """An ordered test as the work-up page shows it; its source waits for the debrief."""

    investigation: InvestigationEntry
    ordered_at_hours: int
    ready_at_hours: int
    ready: bool
    values: list[ShownValue]


def workup_orders(attempt: Attempt, content: CaseContent) -> list[OrderView]:
    """The attempt's orders (one query), results visible once the clock passed their time."""
    views = []
    for order in attempt.test_orders.all():
        investigation = content.investigation_by_key[order.investigation_key]
        ready = order.ready_at_hours <= attempt.clock_hours
        views.append(
            OrderView(
                investigation=investigation,
                ordered_at_hours=order.ordered_at_hours,
                ready_at_hours=order.ready_at_hours,
                ready=ready,
                values=[_value_text(v, attempt.patient) for v in investigation["values"]]
                if ready
                else [],
            )
        )
    return views


def orderable_by_category(content: CaseContent, ordered: set[str]) -> list[dict[str, Any]]:
    """The catalog grouped by category for the order form's fieldsets."""
    groups: dict[str, dict[str, Any]] = {}
    for investigation in content.investigations:
        group = groups.setdefault(
            investigation["category"], {"label": investigation["category_label"], "items": []}
        )
        group["items"].append({**investigation, "ordered": investigation["key"] in ordered})
    return list(groups.values())


def attempt_order(attempt: Attempt, stream: str, items: Sequence[T]) -> list[T]:
    """``items`` in this attempt's own order, the same on every page load.

    Derived from the attempt's seed (stored) and the name of the list, so nothing more
    is saved: a frozen case version never changes its lists, so the order cannot drift.
    Authors tend to write the key or the target first; this keeps its place from
    giving the answer away. String seeds hash with SHA-512, the same in every process.
    """
    shuffled = list(items)
    random.Random(f"{attempt.seed}:{stream}").shuffle(shuffled)
    return shuffled


def diagnoses_in_attempt_order(attempt: Attempt, content: CaseContent) -> list[DiagnosisEntry]:
    """The case's diagnoses as this attempt lists them, the target anywhere in the list."""
    return attempt_order(attempt, "diagnoses", content.diagnoses)


def question_views(
    attempt: Attempt, content: CaseContent, ordered: set[str]
) -> list[dict[str, Any]]:
    """Open interpretation questions with the learner's answer, if given (one query).

    Each question's options come in the attempt's own order.
    """
    answers = {answer.question_key: answer for answer in attempt.answers.all()}
    return [
        {
            **question,
            "options": attempt_order(attempt, f"options:{question['key']}", question["options"]),
            "answer": answers.get(question["key"]),
            "investigation": content.investigation_by_key[question["investigation_key"]],
            **content.cited(question["source"]),
        }
        for question in content.questions
        if question["investigation_key"] in ordered
    ]


def timeline_summary(timeline: Timeline) -> dict[str, Any]:
    """What the learner compares in the debrief: relapses, harms, steroid load, survival."""
    kinds = [event.kind.value for event in timeline.events]
    death = next((e.day for e in timeline.events if e.kind.value == "death"), None)
    series = timeline.series
    return {
        "relapses": kinds.count("relapse"),
        "adverse_events": kinds.count("adverse_event"),
        "admissions": kinds.count("hospitalization"),
        "harms": scoring.harm_count(timeline),
        "cumulative_1y_mg": round(series.cumulative_prednisone_mg[364]),
        "cumulative_total_mg": round(series.cumulative_prednisone_mg[-1]),
        "days_on_steroids": sum(1 for dose in series.prednisone_mg if dose > 0),
        "death_day": death,
        "alive_at_5y": death is None,
        "recovered": "recovery" in kinds,
    }


def revealed_events(attempt: Attempt, timeline: Timeline) -> tuple[Event, ...]:
    """The events the learner has seen: up to and including the open decision, else all.

    Cut by position: an event later on the decision's own day has not happened yet for the
    learner, who has to decide first.
    """
    if attempt.decision_event is None:
        return timeline.events
    return timeline.events[: attempt.decision_event + 1]


def event_rows(events: Sequence[Event]) -> list[dict[str, Any]]:
    """Events as the timeline list and the chart show them.

    The engine opens every timeline with the presenting bloods (a day-0 lab result); the
    player leaves it out, because results belong to the tests the learner ordered and are
    shown with them on the work-up page, and an outpatient's day 0 is no admission.
    """
    return [
        {
            "day": event.day,
            "kind": event.kind.value,
            "kind_label": event.kind.value.replace("_", " "),
            "text": event.text,
            "citation": citation(event.source),
        }
        for event in events
        if not (event.day == 0 and event.kind is EventKind.LAB_RESULT)
    ]


def plan_summary(plan: dict[str, Any], ideal_weight: float) -> dict[str, Any]:
    """A plan as its table shows it, the learner's or the recommended one: each dose level
    of every order, numbered in the plan's own sequence, with its days, the dose as it was
    written (0.75 mg/kg/day, 20 mg/day) and its milligrams, and the adjuncts given."""
    rows: list[dict[str, Any]] = []
    for number, order in enumerate(Plan.from_dict(plan).orders, start=1):
        agent = order.catalog_entry
        levels = [(order.dose, order.unit), *((step.dose, step.unit) for step in order.taper)]
        written = [
            f"{dose:g} {unit.value}" if dose is not None and unit is not None else None
            for dose, unit in levels
        ]
        # A level past the five-year horizon has no piece; only the last ones can be cut.
        for piece, dose_text in zip(order.dose_pieces(ideal_weight), written, strict=False):
            rows.append(
                {
                    "order": number,
                    "agent": agent.label,
                    "from_day": piece.start,
                    "to_day": piece.end - 1,
                    "dose": dose_text,
                    "daily_mg": round(piece.daily_mg, 1) if agent.takes_dose else None,
                }
            )
    adjuncts = [name.replace("_", " ") for name, given in plan["adjuncts"].items() if given]
    return {"rows": rows, "adjuncts": adjuncts}


CASE_ROWS_PER_PAGE = 10
RECENT_FINISHED = 20
"""Finished attempts behind the score chart and the competency averages: the learner's
recent form, and a page whose cost does not grow with years of history."""


def case_progress(user: User, *, page: str | int | None = None) -> dict[str, Any]:
    """The learner's case section of /progress/, in the same few queries at any history.

    Totals are counted by the database in one query; the chart and competency averages use
    the last RECENT_FINISHED finished attempts; the attempts table is paginated. A learner
    with no case attempt costs the one counting query, one with a history three.
    """
    attempts = Attempt.objects.counted().filter(user=user)
    scored = Q(stage=Stage.DEBRIEF, score__isnull=False)
    totals = attempts.aggregate(
        started=Count("pk"),
        finished=Count("pk", filter=scored),
        average=Avg("score", filter=scored),
        spent=Sum(
            ExpressionWrapper(
                Coalesce("finished_at", "last_activity_at") - F("started_at"),
                output_field=DurationField(),
            )
        ),
    )
    recent = (
        list(
            attempts.filter(scored)
            .select_related("case")
            .only("id", "score", "score_breakdown", "finished_at", "case__title")
            .order_by("-finished_at", "-id")[:RECENT_FINISHED]
        )[::-1]
        if totals["finished"]
        else []
    )
    by_competency: dict[str, list[float]] = {}
    for attempt in recent:
        for competency in attempt.score_breakdown.get("competencies", []):
            by_competency.setdefault(competency["label"], []).append(competency["score"])
    paginator = Paginator(
        attempts.select_related("case")
        .only("id", "stage", "score", "started_at", "case__title", "case__slug")
        .order_by("-started_at", "-id"),
        CASE_ROWS_PER_PAGE,
    )
    # The aggregate has counted them: the paginator need not count them again.
    paginator.count = totals["started"]
    listed = paginator.get_page(page)
    spent: timedelta = totals["spent"] or timedelta()
    return {
        "case_progress": {
            "attempts": listed,
            "started": totals["started"],
            "finished": totals["finished"],
            "average_score": None if totals["average"] is None else round(totals["average"], 1),
            "minutes_spent": round(spent.total_seconds() / 60),
            "recent_finished": len(recent),
            "competencies": [
                {"label": label, "percent": round(100 * sum(scores) / len(scores))}
                for label, scores in by_competency.items()
            ],
            "chart": charts.score_chart(
                [(a.finished_at, cast(float, a.score), a.case.title) for a in recent]
            ),
        }
    }


def interpretation_tallies(user: User) -> dict[str, TopicTally]:
    """The learner's case interpretation answers per topic, for mastery on /progress/."""
    rows = (
        InterpretationAnswer.objects.filter(attempt__user=user, attempt__preview=False)
        .exclude(topic_slug="")
        .values("topic_slug")
        .annotate(answers=Count("pk"), earned=Sum("score"))
    )
    return {row["topic_slug"]: TopicTally(row["answers"], row["earned"]) for row in rows}


def attempts_in_progress(user: User) -> QuerySet[Attempt]:
    """Unfinished case attempts, most recently touched first, for the home dashboard's
    "Carry on"; an educator's previews are carried on from the case's own page."""
    return (
        Attempt.objects.filter(user=user)
        .open()
        .counted()
        .select_related("case")
        .order_by("-last_activity_at")
    )


@dataclass(frozen=True)
class Course:
    """One whole course for the debrief: the numbers compared, its plan, events and chart."""

    summary: dict[str, Any]
    plan: dict[str, Any]
    """The course's first plan: all of the recommended plan, which is never revised. The
    learner's revisions are shown from their submissions instead."""
    events: list[dict[str, Any]]
    charts: list[charts.Chart]
    """The first year, then the five-year strip."""


def five_year_course(timeline_data: dict[str, Any], title: str) -> Course:
    """The learner's course or the recommended one, built the same way for both sides."""
    timeline = Timeline.from_dict(timeline_data)
    events = event_rows(timeline.events)
    return Course(
        summary=timeline_summary(timeline),
        plan=plan_summary(
            timeline_data["history"][0]["plan"], timeline.patient.ideal_body_weight_kg
        ),
        events=events,
        charts=charts.course_charts(timeline_data, HORIZON_DAYS - 1, title, events=events),
    )


def cohort_view(comparison_data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The cohort comparison in words and as a chart; None for attempts finished before
    attempts kept one."""
    if not comparison_data:
        return None
    comparison = CohortComparison.from_dict(comparison_data)
    return {
        "patients": comparison.patients,
        "yours": _cohort_sentence(comparison.yours),
        "model": _cohort_sentence(comparison.model),
        "active_days": (comparison.yours.active_days, comparison.model.active_days),
        "chart": charts.cohort_chart(comparison),
    }


def _cohort_sentence(arm: Any) -> str:
    def people(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    serious = (
        ""
        if arm.serious_adverse is None
        else people(
            arm.serious_adverse, "has a serious adverse event", "have a serious adverse event"
        )
        + ", "
    )
    return (
        f"{people(arm.relapsed, 'relapses', 'relapse')}, {people(arm.died, 'dies', 'die')}, "
        f"{people(arm.steroid_harm, 'has a steroid harm', 'have a steroid harm')}, {serious}"
        f"and {people(arm.persistent_1y, 'is still ill a year on', 'are still ill a year on')}"
    )


@dataclass(frozen=True)
class Debrief:
    """What the debrief shows beside the score, built once per finished attempt."""

    yours: Course
    theirs: Course
    cohort: dict[str, Any] | None


DEBRIEF_CACHE_SECONDS = 24 * 3600


def course_key(attempt: Attempt, *, plans: int) -> str:
    """What the engine's parts of the outcome and debrief pages depend on, as a cache key.

    The attempt and its seed; its revision (the ``plans`` submitted, which the page has
    already) and its open decision, which are what change what the learner has seen; when it
    finished; and the code that builds them. Nothing is kept across revisions or releases.
    """
    finished = attempt.finished_at.timestamp() if attempt.finished_at else None
    return (
        f"{attempt.pk}:{attempt.seed}:{plans}:{attempt.decision_event}:{finished}:{source_digest()}"
    )


def debrief_view(attempt: Attempt, *, plans: int) -> Debrief:
    """Both five-year courses and the cohort view, kept in the cache under ``course_key``:
    a finished attempt never changes, so a reload rebuilds nothing."""

    def build() -> Debrief:
        deferred = attempt.get_deferred_fields() & set(ENGINE_RESULTS)
        if deferred:
            attempt.refresh_from_db(fields=sorted(deferred))  # one read, not one per field
        if attempt.timeline is None or attempt.counterfactual is None:
            raise ValueError(f"Attempt {attempt.pk} has no counterfactual: it never finished.")
        return Debrief(
            yours=five_year_course(attempt.timeline, "Your plan"),
            theirs=five_year_course(attempt.counterfactual, "Recommended plan"),
            cohort=cohort_view(attempt.cohort_comparison),
        )

    key = f"cases:debrief:{course_key(attempt, plans=plans)}"
    return cast(Debrief, cache.get_or_set(key, build, DEBRIEF_CACHE_SECONDS))


def outcome_view(attempt: Attempt, title: str, *, plans: int) -> dict[str, Any]:
    """The outcome page's events and charts so far, kept in the cache under ``course_key``."""

    def build() -> dict[str, Any]:
        timeline = outcome_timeline(attempt)
        events = event_rows(revealed_events(attempt, timeline))
        until = attempt.revealed_until_day or 0
        return {
            "events": events,
            "charts": charts.course_charts(attempt.timeline or {}, until, title, events=events),
        }

    key = f"cases:outcome:{course_key(attempt, plans=plans)}"
    return cast(dict[str, Any], cache.get_or_set(key, build, DEBRIEF_CACHE_SECONDS))


def outcome_until_day(attempt: Attempt, *, plans: int) -> int | None:
    """``Attempt.revealed_until_day``, kept under ``course_key`` like the course it ends:
    it is read from the timeline, some 50 kB of JSON that a reload need not load."""
    key = f"cases:until:{course_key(attempt, plans=plans)}"
    get = partial(getattr, attempt, "revealed_until_day")
    return cast(int | None, cache.get_or_set(key, get, DEBRIEF_CACHE_SECONDS))


def model_answer(content: CaseContent) -> dict[str, list[dict[str, Any]]]:
    """The debrief's teaching: diagnoses, rated tests and treatment rules, each cited."""
    return {
        "diagnoses": [{**d, **content.cited(d["source"])} for d in content.diagnoses],
        "rules": [{**r, **content.cited(r["source"])} for r in content.management_rules],
        "investigations": [
            {**i, **content.cited(i["source"])}
            for i in content.investigations
            if i["appropriateness"] != "neutral"
        ],
    }


def presentation_patient(attempt: Attempt) -> Patient:
    """The attempt's patient as drawn at presentation (age, sex, height, weight, findings)."""
    return Patient.from_dict(attempt.patient)


def outcome_timeline(attempt: Attempt) -> Timeline:
    """The learner's engine timeline, all of it; ``revealed_events`` cuts what they have seen.

    Only the outcome and debrief stages ask, and the plan that leads there saves the timeline.
    """
    if attempt.timeline is None:
        raise ValueError(f"Attempt {attempt.pk} has no timeline: its plan was never submitted.")
    return Timeline.from_dict(attempt.timeline)


# --- the REST API's reads: plain data the API's output serializers describe ------------------


def require_stage_reached(attempt: Attempt, stage: Stage) -> None:
    """Refuse (409) a read of a stage the attempt has not reached: no outcome before a plan."""
    if not attempt.stage_reached(stage):
        raise AttemptConflict(
            f"This attempt has not reached the {Stage(stage).label.lower()} stage yet; it is "
            f"at the {Stage(attempt.stage).label.lower()} stage."
        )


def attempt_state(attempt: Attempt) -> dict[str, Any]:
    """What the player shows at the attempt's stage, as plain data for the API.

    Answers, results and explanations appear only once the learner earned them: a history
    answer once asked, a result once ready, an option's explanation once answered.
    """
    content = attempt.content
    patient = presentation_patient(attempt)
    asked = {ask.item_key for ask in attempt.history_asks.all()}
    orders = workup_orders(attempt, content)
    ordered = {order.investigation["key"] for order in orders}
    diagnosis = getattr(attempt, "diagnosis_submission", None)
    return {
        "id": attempt.pk,
        "case": attempt.case.slug,
        "case_version": attempt.case_version.number,
        "stage": attempt.stage,
        "clock_hours": attempt.clock_hours,
        "cost_total": attempt.cost_total,
        "risk_total_pct": attempt.risk_total_pct,
        "revealed_until_day": attempt.revealed_until_day,
        "decision_open": attempt.decision_event is not None,
        "score": attempt.score,
        "patient": {
            "age": patient.age,
            "sex": patient.sex,
            "height_cm": patient.height_cm,
            "weight_kg": patient.weight_kg,
        },
        "presentation": {
            "chief_complaint": content.case["chief_complaint"],
            "presenting_history": content.case["presenting_history"],
            "vitals": content.case["vitals"],
            "exam": content.exam,
        },
        "history": [
            {
                "key": item["key"],
                "question": item["question"],
                "asked": item["key"] in asked,
                "answer": item["answer"] if item["key"] in asked else None,
            }
            for item in content.history
        ],
        "catalog": [
            {**investigation, "ordered": investigation["key"] in ordered}
            for investigation in content.investigations
        ],
        "orders": [
            {
                "investigation_key": order.investigation["key"],
                "name": order.investigation["name"],
                "ordered_at_hours": order.ordered_at_hours,
                "ready_at_hours": order.ready_at_hours,
                "ready": order.ready,
                "report": order.investigation["report"] if order.ready else None,
                "values": order.values,
            }
            for order in orders
        ],
        "questions": [
            {
                **question,
                "answer": None
                if question["answer"] is None
                else {
                    "selected": question["answer"].selected,
                    "score": question["answer"].score,
                    "options": question["options"],
                },
            }
            for question in question_views(attempt, content, ordered)
        ],
        "diagnoses": diagnoses_in_attempt_order(attempt, content),
        "diagnosis": None
        if diagnosis is None
        else {
            "primary": diagnosis.primary_key,
            "confidence_pct": diagnosis.confidence_pct,
            "differential": diagnosis.differential,
        },
        "therapies": content.therapies,
        "plans": [
            {
                "number": plan.number,
                "effective_day": plan.effective_day,
                **plan_summary(plan.plan, patient.ideal_body_weight_kg),
            }
            for plan in attempt.plans.all()
        ],
    }


def outcome_state(attempt: Attempt) -> dict[str, Any]:
    """The course so far: the events up to the open decision (or all), for the API."""
    events = event_rows(revealed_events(attempt, outcome_timeline(attempt)))
    return {
        "revealed_until_day": attempt.revealed_until_day,
        "decision_open": attempt.decision_event is not None,
        "decision_event": events[-1] if attempt.decision_event is not None else None,
        "events": events,
    }


def debrief_state(attempt: Attempt) -> dict[str, Any]:
    """The debrief as data: the score by competency with its checks, both five-year courses
    compared (the learner's and the counterfactual under the recommended plan) and the
    cited model answer."""
    if attempt.timeline is None or attempt.counterfactual is None:
        raise AttemptConflict("This attempt has no debrief yet: finish it first.")
    yours = five_year_course(attempt.timeline, "Your plan: five years")
    theirs = five_year_course(attempt.counterfactual, "Recommended plan: five years")
    return {
        "score": attempt.score,
        "competencies": attempt.score_breakdown.get("competencies", []),
        "yours": {"summary": yours.summary, "events": yours.events},
        "counterfactual": {
            "summary": theirs.summary,
            "plan": theirs.plan,
            "events": theirs.events,
        },
        **model_answer(attempt.content),
    }
