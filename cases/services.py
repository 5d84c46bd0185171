"""Writes: publishing cases and every step of an attempt.

Each service is keyword-only, runs in one transaction, validates everything before it
saves anything, and raises AttemptError with a sentence for the learner when the step is
not allowed, so a refused step leaves the attempt exactly as it was. The engine works in
plain dataclasses; this module translates between them and the database.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from cases import scoring
from cases.cohorts import COHORT_PATIENTS, CohortComparison, cohort_compare
from cases.content import CaseContent, case_snapshot, publish_problems
from cases.models import (
    Attempt,
    Case,
    CaseVersion,
    DiagnosisSubmission,
    HistoryAsk,
    InterpretationAnswer,
    PlanSubmission,
    Stage,
    TestOrder,
)
from cases.simulation import (
    Adjuncts,
    DoseUnit,
    Order,
    Parameters,
    Patient,
    Plan,
    TaperStep,
    Timeline,
    get_agent,
    ideal_body_weight_kg,
    member_seeds,
    revise,
    simulate,
)

MALE_SHARE = 0.52  # NEJM: 52 % of patients with COP are men.
PATIENT_STREAM = 0xCA5E
"""Mixed into the seed so that the patient variant and the engine's clocks use separate draws."""
CLOCK_STEPS_HOURS = (4, 24, 72)
MAX_REVISIONS = 3
"""Decision points after this many revisions are shown but no longer offer a new plan."""
MAX_TAPER_STEPS = 6
MAX_ADDITIONAL_ORDERS = 2
"""Orders after the main one: enough for a pulse, then prednisone, then a steroid-sparing agent."""


class AttemptError(Exception):
    """A step the learner may not take now; the message says why and what to do instead."""


def new_seed() -> int:
    """A fresh seed for a new attempt: a new patient variant and new engine clocks.

    This is the one place attempts get their randomness; tests that need a known course
    (the browser test's relapse) monkeypatch it in-process rather than faking outcomes.
    """
    return secrets.randbits(31)


# --- cases -----------------------------------------------------------------------------------


@transaction.atomic
def case_publish(*, case: Case) -> CaseVersion:
    """Freeze the case's current content as a new version that new attempts will play."""
    snapshot = case_snapshot(case)
    problems = publish_problems(snapshot)
    if problems:
        raise AttemptError(" ".join(problems))
    latest = case.versions.order_by("-number").first()
    number = case.version if latest is None else max(case.version, latest.number + 1)
    version = CaseVersion.objects.create(case=case, number=number, snapshot=snapshot)
    case.version = number
    case.status = Case.Status.PUBLISHED
    case.save(update_fields=["version", "status"])
    return version


def case_version_current(*, case: Case) -> CaseVersion:
    """The frozen version new attempts use; a shipped case is frozen on its first attempt."""
    version = case.versions.filter(number=case.version).first()
    if version is not None:
        return version
    snapshot = case_snapshot(case)
    problems = publish_problems(snapshot)
    if problems:
        raise AttemptError(f"This case cannot be played yet: {' '.join(problems)}")
    version, _ = CaseVersion.objects.get_or_create(
        case=case, number=case.version, defaults={"snapshot": snapshot}
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
    weight = float(round(max(30.0, ideal_body_weight_kg(height, sex) + excess), 1))
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
    first = Plan.from_dict(attempt.plans.order_by("number").first().plan)
    patients = cohort_patients(content=content, seed=attempt.seed, workup_days=attempt.clock_day)
    model_plan = content.model_plan(patients[0][0])
    return cohort_compare(patients, first, model_plan, engine_parameters(content))


# --- the attempt's state machine -------------------------------------------------------------


def _require_stage(attempt: Attempt, *stages: Stage) -> None:
    if attempt.stage not in stages:
        wanted = " or ".join(str(stage.label).lower() for stage in stages)
        raise AttemptError(
            f"That step belongs to the {wanted} stage; this attempt is at the "
            f"{Stage(attempt.stage).label.lower()} stage."
        )


def _locked(attempt: Attempt) -> Attempt:
    """Re-read the attempt under a row lock so two tabs cannot interleave one step."""
    return Attempt.objects.select_for_update().select_related("case_version").get(pk=attempt.pk)


def _sync(target: Attempt, source: Attempt) -> Attempt:
    """Copy the saved state back onto the caller's object, so it sees the step's effect."""
    for model_field in Attempt._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
    return target


def content_of(attempt: Attempt) -> CaseContent:
    return CaseContent(attempt.case_version.snapshot)


@transaction.atomic
def attempt_start(*, user: Any, case: Case) -> Attempt:
    """Start a new attempt on the case's current version with a new patient variant."""
    if case.status != Case.Status.PUBLISHED:
        raise AttemptError("This case is not published yet.")
    version = case_version_current(case=case)
    seed = new_seed()
    patient = patient_sample(content=CaseContent(version.snapshot), seed=seed)
    return Attempt.objects.create(
        user=user, case=case, case_version=version, seed=seed, patient=patient.to_dict()
    )


@transaction.atomic
def history_ask(*, attempt: Attempt, item_key: str) -> HistoryAsk:
    """Ask the patient one history question; asking again changes nothing."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.PRESENTATION)
    item = content_of(locked).history_by_key.get(item_key)
    if item is None:
        raise AttemptError("That question is not part of this case's history.")
    ask, _ = HistoryAsk.objects.get_or_create(
        attempt=locked, item_key=item_key, defaults={"appropriateness": item["appropriateness"]}
    )
    locked.save(update_fields=["last_activity_at"])
    _sync(attempt, locked)
    return ask


@transaction.atomic
def workup_begin(*, attempt: Attempt) -> Attempt:
    locked = _locked(attempt)
    _require_stage(locked, Stage.PRESENTATION)
    locked.stage = Stage.WORKUP
    locked.save(update_fields=["stage", "last_activity_at"])
    return _sync(attempt, locked)


@transaction.atomic
def test_order(*, attempt: Attempt, investigation_keys: list[str]) -> list[TestOrder]:
    """Order tests now on the simulated clock; cost and procedural risk add up at once."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.WORKUP)
    catalog = content_of(locked).investigation_by_key
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
        raise AttemptError(f"Already ordered: {names}.")
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
    locked.save(update_fields=["cost_total", "risk_total_pct", "last_activity_at"])
    _sync(attempt, locked)
    return orders


@transaction.atomic
def clock_advance(*, attempt: Attempt, hours: int | None = None) -> Attempt:
    """Let simulated time pass: a fixed step, or (hours=None) until the next result is ready."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.WORKUP)
    if hours is None:
        pending = (
            locked.test_orders.filter(ready_at_hours__gt=locked.clock_hours)
            .order_by("ready_at_hours")
            .values_list("ready_at_hours", flat=True)
            .first()
        )
        if pending is None:
            raise AttemptError("No result is pending, so there is nothing to wait for.")
        locked.clock_hours = pending
    elif hours in CLOCK_STEPS_HOURS:
        locked.clock_hours += hours
    else:
        steps = ", ".join(str(step) for step in CLOCK_STEPS_HOURS)
        raise AttemptError(f"The clock moves by {steps} hours or to the next result.")
    locked.save(update_fields=["clock_hours", "last_activity_at"])
    return _sync(attempt, locked)


@transaction.atomic
def workup_finish(*, attempt: Attempt) -> Attempt:
    """Close the work-up; every ordered result must be back first."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.WORKUP)
    if not locked.test_orders.exists():
        raise AttemptError("Order at least one test before closing the work-up.")
    if locked.test_orders.filter(ready_at_hours__gt=locked.clock_hours).exists():
        raise AttemptError(
            "Some results are still pending: wait for them (advance the clock) before "
            "closing the work-up."
        )
    locked.stage = Stage.INTERPRETATION
    locked.save(update_fields=["stage", "last_activity_at"])
    return _sync(attempt, locked)


def questions_available(attempt: Attempt, content: CaseContent, ordered: set[str]) -> list[dict]:
    """Interpretation questions on results the learner obtained; the rest cannot be asked."""
    return [q for q in content.questions if q["investigation_key"] in ordered]


@transaction.atomic
def answer_submit(
    *, attempt: Attempt, question_key: str, option_keys: list[str]
) -> InterpretationAnswer:
    """Record one interpretation answer, scored at once; each question is answered once."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.INTERPRETATION)
    content = content_of(locked)
    ordered = set(locked.test_orders.values_list("investigation_key", flat=True))
    question = next(
        (q for q in questions_available(locked, content, ordered) if q["key"] == question_key),
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
        raise AttemptError("You have already answered this question.")
    answer = InterpretationAnswer.objects.create(
        attempt=locked,
        question_key=question_key,
        selected=chosen,
        score=scoring.question_score(question, chosen),
        topic_slug=question.get("topic", ""),
    )
    locked.save(update_fields=["last_activity_at"])
    _sync(attempt, locked)
    return answer


@transaction.atomic
def interpretation_finish(*, attempt: Attempt) -> Attempt:
    locked = _locked(attempt)
    _require_stage(locked, Stage.INTERPRETATION)
    content = content_of(locked)
    ordered = set(locked.test_orders.values_list("investigation_key", flat=True))
    open_keys = {q["key"] for q in questions_available(locked, content, ordered)}
    answered = set(locked.answers.values_list("question_key", flat=True))
    if open_keys - answered:
        raise AttemptError("Answer every question on your results before moving on.")
    locked.stage = Stage.DIAGNOSIS
    locked.save(update_fields=["stage", "last_activity_at"])
    return _sync(attempt, locked)


@transaction.atomic
def diagnosis_submit(
    *, attempt: Attempt, primary_key: str, confidence_pct: int, differential: dict[str, str]
) -> DiagnosisSubmission:
    """Commit to a primary diagnosis, a differential with likelihoods and a confidence."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.DIAGNOSIS)
    offered = content_of(locked).diagnosis_by_key
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
    locked.save(update_fields=["stage", "last_activity_at"])
    _sync(attempt, locked)
    return submission


# --- plans and outcome -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderInput:
    """One order as the learner writes it, its start day counted from the plan's day 0.

    ``unit`` may be left out for the agent's usual unit; the dose and unit of an agent that
    takes no dose (stopping a culprit drug, observation) are ignored.
    """

    agent: str
    dose: float | None = None
    unit: str | None = None
    duration_days: int | None = None
    start_day: int = 0
    taper: list[tuple[float, int]] = field(default_factory=list)


@dataclass(frozen=True)
class PlanInput:
    """The plan form's content: the main order and its taper, further orders, the adjuncts.

    Day numbers are relative to the day the plan starts (``Plan.shifted`` moves them onto
    the timeline), so the same form serves the first plan and every revision.
    """

    agent: str
    dose: float | None
    unit: str
    duration_days: int | None
    taper: list[tuple[float, int]] = field(default_factory=list)
    adjuncts: dict[str, bool] = field(default_factory=dict)
    additional_orders: list[OrderInput] = field(default_factory=list)

    @property
    def orders(self) -> list[OrderInput]:
        """Every order in the learner's sequence, the main one (from day 0) first."""
        main = OrderInput(self.agent, self.dose, self.unit, self.duration_days, 0, self.taper)
        return [main, *self.additional_orders]


class PlanError(AttemptError):
    """A refused plan, naming the order (1 is the main one) and the input it is about, so
    the form can show the message beside that row rather than above the whole form.

    ``field`` uses the order's input names: agent, dose, unit, start_day, duration_days,
    taper_dose_N, taper_days_N; it is empty when the message concerns the whole plan.
    """

    def __init__(self, message: str, *, order: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.order = order
        self.field = field


ENGINE_ORDER_PREFIX = re.compile(r"^orders\[(\d+)\]\.")
ENGINE_TAPER_FIELD = re.compile(r"^taper\[(\d+)\]\.(dose|days)")
ENGINE_FIELD = re.compile(r"^[a-z_]+")


def plan_build(*, content: CaseContent, plan_input: PlanInput, starts_on_day: int = 0) -> Plan:
    """Turn the form into an engine plan that starts on ``starts_on_day`` of the timeline.

    Every order is checked by the engine's dose, day and overlap rules; a refusal is a
    PlanError naming the order and the input, worded for the learner.
    """
    if len(plan_input.additional_orders) > MAX_ADDITIONAL_ORDERS:
        raise PlanError(f"A plan has at most {MAX_ADDITIONAL_ORDERS + 1} orders.")
    orders = tuple(
        _order_build(content, order_input, number)
        for number, order_input in enumerate(plan_input.orders, start=1)
    )
    try:
        plan = Plan(orders, Adjuncts(**plan_input.adjuncts), name="learner")
        return plan.shifted(starts_on_day)
    except (TypeError, ValueError) as error:
        raise _plan_error(str(error), orders) from None


def _order_build(content: CaseContent, order_input: OrderInput, number: int) -> Order:
    if order_input.agent not in content.therapy_by_agent:
        raise PlanError("Choose a therapy offered in this case.", order=number, field="agent")
    agent = get_agent(order_input.agent)
    _check_taper(order_input, number)
    try:
        return Order(
            agent=agent.name,
            dose=order_input.dose if agent.takes_dose else None,
            unit=(order_input.unit or None) if agent.takes_dose else None,
            start_day=order_input.start_day,
            duration_days=order_input.duration_days,
            taper=tuple(TaperStep(float(dose), int(days)) for dose, days in order_input.taper),
        )
    except (TypeError, ValueError) as error:
        raise _order_error(str(error), number, agent.name) from None


def _check_taper(order_input: OrderInput, number: int) -> None:
    """The taper rules the engine leaves to the form: it only goes down, each step lasts."""
    if len(order_input.taper) > MAX_TAPER_STEPS:
        raise PlanError(
            f"A taper has at most {MAX_TAPER_STEPS} steps.", order=number, field="taper_dose_1"
        )
    for step, (dose, days) in enumerate(order_input.taper, start=1):
        if days < 1:
            raise PlanError(
                f"Taper step {step} ends before it starts: give it at least 1 day.",
                order=number,
                field=f"taper_days_{step}",
            )
        if order_input.dose is not None and dose > order_input.dose:
            raise PlanError(
                f"Taper step {step} ({dose:g} {order_input.unit}) is above the starting dose; "
                "a taper only goes down.",
                order=number,
                field=f"taper_dose_{step}",
            )
    if order_input.taper and order_input.duration_days is None:
        raise PlanError(
            "Give the full-dose duration before the taper starts.",
            order=number,
            field="duration_days",
        )


def _plan_error(message: str, orders: tuple[Order, ...]) -> PlanError:
    """A plan-wide engine refusal; one naming ``orders[i]`` goes to that order's row."""
    match = ENGINE_ORDER_PREFIX.match(message)
    if match is None:
        return PlanError(_readable(message))
    index = int(match[1])
    return _order_error(message[match.end() :], index + 1, orders[index].agent)


def _order_error(message: str, number: int, agent_name: str) -> PlanError:
    """The engine starts each message with the field it is about; keep that for the form."""
    if taper := ENGINE_TAPER_FIELD.match(message):
        field_name = f"taper_{taper[2]}_{int(taper[1]) + 1}"
    else:
        field_name = named[0] if (named := ENGINE_FIELD.match(message)) else ""
    return PlanError(_readable(message, agent_name), order=number, field=field_name)


def _readable(message: str, agent_name: str = "") -> str:
    """Engine messages name fields and agents by their code names; say them in the form's words."""
    message = ENGINE_TAPER_FIELD.sub(
        lambda step: f"taper step {int(step[1]) + 1} {step[2]}", message
    )
    replacements = {"duration_days": "duration (days)", "start_day": "start day"}
    if agent_name:
        replacements[agent_name] = get_agent(agent_name).label.split(",")[0].lower()
    for old, new in replacements.items():
        message = message.replace(old, new)
    return message[:1].upper() + message[1:] + "."


def dose_daily_mg(*, patient: Patient, agent: str, dose: float, unit: str | None) -> float:
    """The milligrams a dose means for this patient, by the engine's arithmetic (cap included).

    No unit means the agent's usual one, as in an order; an agent that takes no dose has no
    milligrams, which is a ValueError like any other dose the engine would refuse.
    """
    catalog_entry = get_agent(agent)
    if not catalog_entry.takes_dose:
        raise ValueError(f"{agent} takes no dose")
    dose_unit = DoseUnit(unit) if unit else catalog_entry.default_unit
    return catalog_entry.daily_mg(dose, dose_unit, patient.ideal_body_weight_kg)


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


@transaction.atomic
def plan_submit(*, attempt: Attempt, plan_input: PlanInput) -> PlanSubmission:
    """Start treatment on the day the work-up ended and simulate the five years that follow."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.PLAN)
    content = content_of(locked)
    plan = plan_build(content=content, plan_input=plan_input)
    timeline = simulate(treatment_patient(locked), plan, locked.seed, engine_parameters(content))
    submission = PlanSubmission.objects.create(
        attempt=locked, number=0, effective_day=0, plan=plan.to_dict()
    )
    locked.stage = Stage.OUTCOME
    _reveal_after(locked, timeline, -1)
    locked.save(update_fields=["stage", "decision_event", "timeline", "last_activity_at"])
    _sync(attempt, locked)
    return submission


def _open_decision(attempt: Attempt) -> int:
    """Position of the event awaiting the learner's decision; refused when none is open."""
    if attempt.decision_event is None:
        raise AttemptError("There is no relapse or non-response to act on right now.")
    return attempt.decision_event


@transaction.atomic
def plan_revise(*, attempt: Attempt, plan_input: PlanInput) -> PlanSubmission:
    """Re-treat from the day after the relapse or non-response; earlier days stay as they were."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.OUTCOME)
    content = content_of(locked)
    timeline = Timeline.from_dict(locked.timeline)
    decision = _open_decision(locked)
    effective_day = timeline.events[decision].day + 1
    plan = plan_build(content=content, plan_input=plan_input, starts_on_day=effective_day)
    revised = revise(timeline, effective_day, plan)
    submission = PlanSubmission.objects.create(
        attempt=locked,
        number=locked.plans.count(),
        effective_day=effective_day,
        plan=plan.to_dict(),
    )
    _reveal_after(locked, revised, decision)
    locked.save(update_fields=["decision_event", "timeline", "last_activity_at"])
    _sync(attempt, locked)
    return submission


@transaction.atomic
def outcome_continue(*, attempt: Attempt) -> Attempt:
    """Keep the current plan through a decision point and watch what happens next."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.OUTCOME)
    _reveal_after(locked, Timeline.from_dict(locked.timeline), _open_decision(locked))
    locked.save(update_fields=["decision_event", "last_activity_at"])
    return _sync(attempt, locked)


@transaction.atomic
def attempt_finish(*, attempt: Attempt) -> Attempt:
    """Close the outcome, run the counterfactual and the cohort comparison with the case's
    model plan, and score the attempt; the debrief only reads what this stores."""
    locked = _locked(attempt)
    _require_stage(locked, Stage.OUTCOME)
    if locked.decision_event is not None:
        raise AttemptError("Decide what to do about the relapse or non-response first.")
    content = content_of(locked)
    timeline = Timeline.from_dict(locked.timeline)
    model_plan = content.model_plan(timeline.patient)
    counterfactual = simulate(timeline.patient, model_plan, locked.seed, timeline.parameters)
    comparison = attempt_comparison(attempt=locked, content=content)
    card = scoring.attempt_score(
        content=content,
        history_asks=list(locked.history_asks.all()),
        orders=list(locked.test_orders.all()),
        answers=list(locked.answers.all()),
        questions_open=len(
            questions_available(
                locked, content, {o.investigation_key for o in locked.test_orders.all()}
            )
        ),
        diagnosis=locked.diagnosis_submission,
        plans=list(locked.plans.all()),
        workup_hours=locked.diagnosis_submission.submitted_at_hours,
        risk_total_pct=float(locked.risk_total_pct),
        timeline=timeline,
        model_plan=model_plan,
        comparison=comparison,
    )
    locked.counterfactual = counterfactual.to_dict()
    locked.cohort_comparison = comparison.to_dict()
    locked.score = card.total
    locked.score_breakdown = card.to_dict()
    locked.stage = Stage.DEBRIEF
    locked.finished_at = timezone.now()
    locked.save(
        update_fields=[
            "counterfactual",
            "cohort_comparison",
            "score",
            "score_breakdown",
            "stage",
            "finished_at",
            "last_activity_at",
        ]
    )
    return _sync(attempt, locked)
