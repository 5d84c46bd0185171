"""Writes: publishing cases and every step of an attempt.

Each service is keyword-only, runs in one transaction, validates everything before it
saves anything, and raises AttemptError with a sentence for the learner when the step is
not allowed, so a refused step leaves the attempt exactly as it was. The engine works in
plain dataclasses; this module translates between them and the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases import scoring, selectors
from cases.checklist import publish_problems
from cases.cohorts import COHORT_PATIENTS, CohortComparison, cohort_compare
from cases.content import CaseContent, case_snapshot
from cases.errors import AttemptConflict, AttemptError, PublishRefused
from cases.models import (
    Attempt,
    Case,
    CaseVersion,
    CheckResult,
    CourseOutcome,
    DiagnosisSubmission,
    HistoryAsk,
    InterpretationAnswer,
    PlanSubmission,
    Stage,
    TestOrder,
)
from cases.plans import PlanInput, plan_build
from cases.selectors import outcome_timeline
from cases.simulation import (
    Parameters,
    Patient,
    Plan,
    Sex,
    Timeline,
    ideal_body_weight_kg,
    member_seeds,
    revise,
    simulate,
)
from cases.snapshot import QuestionEntry

MALE_SHARE = 0.52  # NEJM: 52 % of patients with COP are men.
PATIENT_STREAM = 0xCA5E
"""Mixed into the seed so that the patient variant and the engine's clocks use separate draws."""
CLOCK_STEPS_HOURS = (4, 24, 72)
MAX_REVISIONS = 3
"""Decision points after this many revisions are shown but no longer offer a new plan."""
MAX_OPEN_ATTEMPTS = 10
"""Cases a learner may have in progress at once (several patients of one case to compare);
more is a script, not a learner."""


def new_seed() -> int:
    """A fresh seed for a new attempt: a new patient variant and new engine clocks.

    This is the one place attempts get their randomness; tests that need a known course
    (the browser test's relapse) monkeypatch it in-process rather than faking outcomes.
    """
    return secrets.randbits(31)


# --- cases -----------------------------------------------------------------------------------


@transaction.atomic
def case_publish(*, case: Case) -> CaseVersion:
    """Freeze the case's current content as a new version that new attempts will play;
    refused with every problem of the publish checklist while it has any."""
    problems = publish_problems(case)
    if problems:
        raise PublishRefused(problems)
    snapshot = case_snapshot(case)
    latest = case.versions.released().order_by("-number").first()
    number = case.version if latest is None else max(case.version, latest.number + 1)
    version = CaseVersion.objects.create(case=case, number=number, snapshot=snapshot)
    case.version = number
    case.status = Case.Status.PUBLISHED
    case.save(update_fields=["version", "status"])
    return version


@transaction.atomic
def case_retire(*, case: Case) -> Case:
    """Stop offering a published case to learners; attempts already started play on."""
    if case.status != Case.Status.PUBLISHED:
        raise AttemptError(f"Only a published case can be retired; this one is {case.status}.")
    case.status = Case.Status.RETIRED
    case.save(update_fields=["status"])
    return case


def case_version_current(*, case: Case) -> CaseVersion:
    """The frozen version new attempts use; a shipped case is frozen on its first attempt."""
    version = case.versions.released().filter(number=case.version).first()
    if version is not None:
        return version
    problems = publish_problems(case)
    if problems:
        raise AttemptError(f"This case cannot be played yet: {' '.join(str(p) for p in problems)}")
    snapshot = case_snapshot(case)
    version, _ = CaseVersion.objects.get_or_create(
        case=case, number=case.version, preview=False, defaults={"snapshot": snapshot}
    )
    return version


# --- patient variants ------------------------------------------------------------------------


def patient_sample(*, content: CaseContent, seed: int) -> Patient:
    """The attempt's patient: demographics drawn within the case's ranges, findings as authored."""
    demographics = content.case["demographics"]
    draws = np.random.default_rng([PATIENT_STREAM, seed]).random(4)
    sex = demographics["sex"]
    if sex == Case.Sex.ANY:
        sex = "male" if draws[0] < MALE_SHARE else "female"
    age_low, age_high = demographics["age"]
    height_low, height_high = demographics["height_cm"]
    excess_low, excess_high = demographics["excess_weight_kg"]
    height = float(round(height_low + (height_high - height_low) * draws[2], 1))
    excess = float(excess_low + (excess_high - excess_low) * draws[3])
    weight = float(round(max(30.0, ideal_body_weight_kg(height, Sex(sex)) + excess), 1))
    return Patient.from_dict(
        {
            **content.case["engine_findings"],
            "age": int(age_low + (age_high - age_low + 1) * draws[1]),
            "sex": sex,
            "height_cm": height,
            "weight_kg": weight,
            "disease": content.case["engine_disease"],
        }
    )


def engine_parameters(content: CaseContent) -> Parameters:
    return Parameters().with_overrides(content.parameters)


def with_delay(patient: Patient, workup_days: int) -> Patient:
    """The patient on the day treatment starts: the work-up days add to the time since onset."""
    data = patient.to_dict()
    data["days_since_onset"] = patient.days_since_onset + workup_days
    return Patient.from_dict(data)


def cohort_patients(
    *, content: CaseContent, seed: int, workup_days: int, patients: int = COHORT_PATIENTS
) -> list[tuple[Patient, int]]:
    """Patients like this one: ``seed``'s own patient first, then new variants of the case
    drawn from seeds derived from it, each treated after the same work-up delay."""
    seeds = [seed, *member_seeds(seed, patients - 1)]
    return [
        (with_delay(patient_sample(content=content, seed=member), workup_days), member)
        for member in seeds
    ]


def attempt_comparison(*, attempt: Attempt, content: CaseContent) -> CohortComparison:
    """The attempt's first plan beside the case's model plan over COHORT_PATIENTS patients
    of the same case, the attempt's own patient and seed first."""
    first = Plan.from_dict(attempt.plans.earliest("number").plan)
    patients = cohort_patients(content=content, seed=attempt.seed, workup_days=attempt.clock_day)
    model_plan = content.model_plan(patients[0][0])
    return cohort_compare(patients, first, model_plan, engine_parameters(content))


# --- the attempt's state machine -------------------------------------------------------------


@contextmanager
def attempt_step(
    attempt: Attempt, *stages: Stage, saves: tuple[str, ...] = ()
) -> Iterator[Attempt]:
    """One step of the state machine: lock the attempt, check its stage, save what changed.

    The block gets the attempt re-read under a row lock (so two tabs cannot interleave one
    step) and refused unless it is at one of ``stages``; when the block ends without a
    refusal, the fields named in ``saves`` and the activity time are saved and copied back
    onto the caller's object, so it sees the step's effect. A refusal saves nothing.
    """
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update().select_related("case_version").get(pk=attempt.pk)
        )
        if locked.abandoned_at is not None:
            raise AttemptConflict(
                "You abandoned this attempt, so it cannot go on; start the case again for a "
                "new patient."
            )
        if locked.stage not in stages:
            wanted = " or ".join(str(stage.label).lower() for stage in stages)
            raise AttemptConflict(
                f"That step belongs to the {wanted} stage; this attempt is at the "
                f"{Stage(locked.stage).label.lower()} stage."
            )
        yield locked
        locked.save(update_fields=[*saves, "last_activity_at"])
    for model_field in Attempt._meta.concrete_fields:
        setattr(attempt, model_field.attname, getattr(locked, model_field.attname))


@transaction.atomic
def attempt_start(*, user: Any, case: Case) -> Attempt:
    """Start a new attempt on the case's current version with a new patient variant.

    The learner's row is locked while their open attempts are counted, so two Starts at
    once cannot both pass the limit.
    """
    if case.status != Case.Status.PUBLISHED:
        raise AttemptConflict("This case is not published yet.")
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if Attempt.objects.filter(user=user).open().counted().count() >= MAX_OPEN_ATTEMPTS:
        raise AttemptConflict(
            f"You already have {MAX_OPEN_ATTEMPTS} cases in progress. Carry on with one of "
            "them from your dashboard, or finish one, before starting another."
        )
    return _attempt_create(user, case, case_version_current(case=case))


def _attempt_create(
    user: Any, case: Case, version: CaseVersion, *, preview: bool = False
) -> Attempt:
    seed = new_seed()
    patient = patient_sample(content=CaseContent(version.snapshot), seed=seed)
    return Attempt.objects.create(
        user=user,
        case=case,
        case_version=version,
        seed=seed,
        patient=patient.to_dict(),
        preview=preview,
    )


@transaction.atomic
def preview_start(*, user: Any, case: Case) -> Attempt:
    """An educator's preview attempt on the case as it stands now, whatever its status.

    The content is frozen into a preview version (never offered to learners, never the
    case's latest version), so editing on while playing changes nothing mid-attempt. A case
    the checklist refuses could not be played through, so it is refused the same way.
    """
    problems = publish_problems(case)
    if problems:
        raise PublishRefused(problems)
    version = CaseVersion.objects.create(
        case=case, number=case.version, snapshot=case_snapshot(case), preview=True
    )
    return _attempt_create(user, case, version, preview=True)


@transaction.atomic
def preview_discard(*, attempt: Attempt) -> None:
    """Throw a preview attempt away with everything hanging off it (and its version, once
    no other attempt plays it)."""
    if not attempt.preview:
        raise AttemptConflict("Only a preview attempt can be thrown away.")
    version = attempt.case_version
    attempt.delete()
    if version.preview and not Attempt.objects.filter(case_version=version).exists():
        version.delete()


@transaction.atomic
def attempt_abandon(*, attempt: Attempt) -> Attempt:
    """Give an open attempt up: it leaves the learner's cases in progress; every answer,
    order and plan stays as it was."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        raise AttemptConflict("This attempt is already over, so there is nothing to abandon.")
    locked.abandoned_at = timezone.now()
    locked.save(update_fields=["abandoned_at", "last_activity_at"])
    attempt.abandoned_at = locked.abandoned_at
    return attempt


def history_ask(*, attempt: Attempt, item_key: str) -> HistoryAsk:
    """Ask the patient one history question; asking again changes nothing."""
    with attempt_step(attempt, Stage.PRESENTATION) as locked:
        item = locked.content.history_by_key.get(item_key)
        if item is None:
            raise AttemptError("That question is not part of this case's history.")
        ask, _ = HistoryAsk.objects.get_or_create(
            attempt=locked, item_key=item_key, defaults={"appropriateness": item["appropriateness"]}
        )
    return ask


def workup_begin(*, attempt: Attempt) -> Attempt:
    with attempt_step(attempt, Stage.PRESENTATION, saves=("stage",)) as locked:
        locked.stage = Stage.WORKUP
    return attempt


def test_order(*, attempt: Attempt, investigation_keys: list[str]) -> list[TestOrder]:
    """Order tests now on the simulated clock; cost and procedural risk add up at once."""
    with attempt_step(attempt, Stage.WORKUP, saves=("cost_total", "risk_total_pct")) as locked:
        catalog = locked.content.investigation_by_key
        keys = list(dict.fromkeys(investigation_keys))
        if not keys:
            raise AttemptError("Choose at least one test to order.")
        unknown = [key for key in keys if key not in catalog]
        if unknown:
            raise AttemptError(f"Not in this case's test catalog: {', '.join(unknown)}.")
        already = set(
            locked.test_orders.filter(investigation_key__in=keys).values_list(
                "investigation_key", flat=True
            )
        )
        if already:
            names = ", ".join(catalog[key]["name"] for key in keys if key in already)
            raise AttemptConflict(f"Already ordered: {names}.")
        orders = [
            TestOrder(
                attempt=locked,
                investigation_key=key,
                ordered_at_hours=locked.clock_hours,
                ready_at_hours=locked.clock_hours + catalog[key]["turnaround_hours"],
                cost=catalog[key]["cost"],
                risk_pct=Decimal(str(catalog[key]["risk_pct"])),
                appropriateness=catalog[key]["appropriateness"],
            )
            for key in keys
        ]
        TestOrder.objects.bulk_create(orders)
        locked.cost_total += sum(order.cost for order in orders)
        locked.risk_total_pct += sum(order.risk_pct for order in orders)
    return orders


def clock_advance(*, attempt: Attempt, hours: int | None = None) -> Attempt:
    """Let simulated time pass: a fixed step, or (hours=None) until the next result is ready."""
    with attempt_step(attempt, Stage.WORKUP, saves=("clock_hours",)) as locked:
        if hours is None:
            pending = (
                locked.test_orders.filter(ready_at_hours__gt=locked.clock_hours)
                .order_by("ready_at_hours")
                .values_list("ready_at_hours", flat=True)
                .first()
            )
            if pending is None:
                raise AttemptConflict("No result is pending, so there is nothing to wait for.")
            locked.clock_hours = pending
        elif hours in CLOCK_STEPS_HOURS:
            locked.clock_hours += hours
        else:
            steps = ", ".join(str(step) for step in CLOCK_STEPS_HOURS)
            raise AttemptError(f"The clock moves by {steps} hours or to the next result.")
    return attempt


def workup_finish(*, attempt: Attempt) -> Attempt:
    """Close the work-up; every ordered result must be back first."""
    with attempt_step(attempt, Stage.WORKUP, saves=("stage",)) as locked:
        if not locked.test_orders.exists():
            raise AttemptConflict("Order at least one test before closing the work-up.")
        if locked.test_orders.filter(ready_at_hours__gt=locked.clock_hours).exists():
            raise AttemptConflict(
                "Some results are still pending: wait for them (advance the clock) before "
                "closing the work-up."
            )
        locked.stage = Stage.INTERPRETATION
    return attempt


def questions_available(
    attempt: Attempt, content: CaseContent, ordered: set[str]
) -> list[QuestionEntry]:
    """Interpretation questions on results the learner obtained; the rest cannot be asked."""
    return [q for q in content.questions if q["investigation_key"] in ordered]


def answer_submit(
    *, attempt: Attempt, question_key: str, option_keys: list[str]
) -> InterpretationAnswer:
    """Record one interpretation answer, scored at once; each question is answered once."""
    with attempt_step(attempt, Stage.INTERPRETATION) as locked:
        ordered = set(locked.test_orders.values_list("investigation_key", flat=True))
        question = next(
            (
                q
                for q in questions_available(locked, locked.content, ordered)
                if q["key"] == question_key
            ),
            None,
        )
        if question is None:
            raise AttemptError("That question is not open in this attempt.")
        chosen = list(dict.fromkeys(option_keys))
        valid = {option["key"] for option in question["options"]}
        if not chosen or not set(chosen) <= valid:
            raise AttemptError("Choose one of the options shown.")
        if not question["multiple"] and len(chosen) > 1:
            raise AttemptError("This question has a single answer: choose one option.")
        if locked.answers.filter(question_key=question_key).exists():
            raise AttemptConflict("You have already answered this question.")
        return InterpretationAnswer.objects.create(
            attempt=locked,
            question_key=question_key,
            selected=chosen,
            score=scoring.question_score(question, chosen),
            topic_slug=question.get("topic", ""),
        )


def interpretation_finish(*, attempt: Attempt) -> Attempt:
    with attempt_step(attempt, Stage.INTERPRETATION, saves=("stage",)) as locked:
        ordered = set(locked.test_orders.values_list("investigation_key", flat=True))
        open_keys = {q["key"] for q in questions_available(locked, locked.content, ordered)}
        answered = set(locked.answers.values_list("question_key", flat=True))
        if open_keys - answered:
            raise AttemptConflict("Answer every question on your results before moving on.")
        locked.stage = Stage.DIAGNOSIS
    return attempt


def diagnosis_submit(
    *, attempt: Attempt, primary_key: str, confidence_pct: int, differential: dict[str, str]
) -> DiagnosisSubmission:
    """Commit to a primary diagnosis, a differential with likelihoods and a confidence."""
    with attempt_step(attempt, Stage.DIAGNOSIS, saves=("stage",)) as locked:
        offered = locked.content.diagnosis_by_key
        if primary_key not in offered:
            raise AttemptError("Choose the primary diagnosis from the list.")
        if not 0 <= confidence_pct <= 100:
            raise AttemptError("Confidence must be between 0 and 100 percent.")
        likelihoods = set(DiagnosisSubmission.Likelihood.values)
        unknown = [key for key in differential if key not in offered]
        if unknown or not set(differential.values()) <= likelihoods:
            raise AttemptError("Rate each differential diagnosis as unlikely, possible or likely.")
        submission = DiagnosisSubmission.objects.create(
            attempt=locked,
            primary_key=primary_key,
            confidence_pct=confidence_pct,
            differential={key: value for key, value in differential.items() if key != primary_key},
            submitted_at_hours=locked.clock_hours,
        )
        locked.stage = Stage.PLAN
    return submission


# --- plans and outcome -----------------------------------------------------------------------


def treatment_patient(attempt: Attempt) -> Patient:
    """The attempt's patient on the day treatment starts."""
    return with_delay(Patient.from_dict(attempt.patient), attempt.clock_day)


def decision_events(timeline: Timeline, after: int) -> list[int]:
    """Positions of the engine's decision points (relapse, admission, non-response) after
    position ``after``. Positions, not days: events later on the same day are still the future.
    """
    return [
        position
        for position, event in enumerate(timeline.events)
        if position > after and event.decision_point
    ]


def _reveal_after(attempt: Attempt, timeline: Timeline, position: int) -> None:
    """Show the events after ``position`` up to the next decision, or all when none is left."""
    revisions = attempt.plans.count() - 1
    upcoming = decision_events(timeline, position) if revisions < MAX_REVISIONS else []
    attempt.decision_event = upcoming[0] if upcoming else None
    attempt.timeline = timeline.to_dict()


def plan_submit(*, attempt: Attempt, plan_input: PlanInput) -> PlanSubmission:
    """Start treatment on the day the work-up ended and simulate the five years that follow."""
    saves = ("stage", "decision_event", "timeline")
    with attempt_step(attempt, Stage.PLAN, saves=saves) as locked:
        content, patient = locked.content, treatment_patient(locked)
        plan = plan_build(content=content, plan_input=plan_input, patient=patient)
        timeline = simulate(patient, plan, locked.seed, engine_parameters(content))
        submission = PlanSubmission.objects.create(
            attempt=locked, number=0, effective_day=0, plan=plan.to_dict()
        )
        locked.stage = Stage.OUTCOME
        _reveal_after(locked, timeline, -1)
    return submission


def _open_decision(attempt: Attempt) -> int:
    """Position of the event awaiting the learner's decision; refused when none is open."""
    if attempt.decision_event is None:
        raise AttemptConflict("There is no relapse or non-response to act on right now.")
    return attempt.decision_event


def plan_revise(*, attempt: Attempt, plan_input: PlanInput) -> PlanSubmission:
    """Re-treat from the day after the relapse or non-response; earlier days stay as they were."""
    saves = ("decision_event", "timeline")
    with attempt_step(attempt, Stage.OUTCOME, saves=saves) as locked:
        timeline = outcome_timeline(locked)
        decision = _open_decision(locked)
        effective_day = timeline.events[decision].day + 1
        plan = plan_build(
            content=locked.content,
            plan_input=plan_input,
            starts_on_day=effective_day,
            patient=timeline.patient,
        )
        revised = revise(timeline, effective_day, plan)
        submission = PlanSubmission.objects.create(
            attempt=locked,
            number=locked.plans.count(),
            effective_day=effective_day,
            plan=plan.to_dict(),
        )
        _reveal_after(locked, revised, decision)
    return submission


def outcome_continue(*, attempt: Attempt) -> Attempt:
    """Keep the current plan through a decision point and watch what happens next."""
    with attempt_step(attempt, Stage.OUTCOME, saves=("decision_event",)) as locked:
        _reveal_after(locked, outcome_timeline(locked), _open_decision(locked))
    return attempt


def attempt_finish(*, attempt: Attempt) -> Attempt:
    """Close the outcome, run the counterfactual and the cohort comparison with the case's
    model plan, and score the attempt; the debrief only reads what this stores."""
    saves = (
        "counterfactual",
        "cohort_comparison",
        "score",
        "score_breakdown",
        "stage",
        "finished_at",
    )
    with attempt_step(attempt, Stage.OUTCOME, saves=saves) as locked:
        if locked.decision_event is not None:
            raise AttemptConflict("Decide what to do about the relapse or non-response first.")
        content = locked.content
        timeline = outcome_timeline(locked)
        model_plan = content.model_plan(timeline.patient)
        counterfactual = simulate(timeline.patient, model_plan, locked.seed, timeline.parameters)
        comparison = attempt_comparison(attempt=locked, content=content)
        orders = list(locked.test_orders.all())
        card = scoring.attempt_score(
            content=content,
            history_asks=list(locked.history_asks.all()),
            orders=orders,
            answers=list(locked.answers.all()),
            questions_open=len(
                questions_available(locked, content, {o.investigation_key for o in orders})
            ),
            diagnosis=locked.diagnosis_submission,
            plans=list(locked.plans.all()),
            workup_hours=locked.diagnosis_submission.submitted_at_hours,
            risk_total_pct=float(locked.risk_total_pct),
            timeline=timeline,
            model_plan=model_plan,
            comparison=comparison,
        )
        CourseOutcome.objects.bulk_create(
            CourseOutcome.from_summary(locked, course, selectors.timeline_summary(course_timeline))
            for course, course_timeline in (
                (CourseOutcome.Course.LEARNER, timeline),
                (CourseOutcome.Course.RECOMMENDED, counterfactual),
            )
        )
        locked.counterfactual = counterfactual.to_dict()
        locked.cohort_comparison = comparison.to_dict()
        locked.score = card.total
        locked.score_breakdown = card.to_dict()
        CheckResult.objects.bulk_create(
            CheckResult.from_breakdown(locked.pk, locked.score_breakdown)
        )
        locked.stage = Stage.DEBRIEF
        locked.finished_at = timezone.now()
    return attempt
