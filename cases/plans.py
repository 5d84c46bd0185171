"""The learner's treatment plan: its input, its refusals and the dose arithmetic.

The plan form and the API both build a PlanInput; ``plan_build`` turns it into an engine
plan, checking every order against the engine's dose, day and overlap rules and wording
each refusal for the learner, with the order and input it is about.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cases.content import CaseContent
from cases.errors import AttemptError
from cases.simulation import (
    Adjuncts,
    DoseUnit,
    Order,
    Patient,
    Plan,
    TaperStep,
    check_plan,
    get_agent,
)
from cases.simulation import PlanError as EnginePlanError

MAX_TAPER_STEPS = 6
MAX_ADDITIONAL_ORDERS = 2
"""Orders after the main one: enough for a pulse, then prednisone, then a steroid-sparing agent."""


@dataclass(frozen=True)
class TaperInput:
    """One taper step as the learner writes it: ``dose`` in ``unit`` for ``days`` days.

    Each step carries its own unit (0.5 mg/kg/day, then 20 mg/day); None means the order's.
    """

    dose: float
    days: int
    unit: str | None = None


TaperSteps = Sequence[TaperInput | tuple[float, int]]
"""A taper as written: each step a TaperInput, or a (dose, days) pair in the order's unit."""


def _taper_inputs(steps: TaperSteps) -> list[TaperInput]:
    return [step if isinstance(step, TaperInput) else TaperInput(*step) for step in steps]


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
    taper: TaperSteps = field(default_factory=list)

    @property
    def steps(self) -> list[TaperInput]:
        """The taper, each step with its own unit (None: the order's)."""
        return _taper_inputs(self.taper)


@dataclass(frozen=True)
class PlanInput:
    """The plan form's content: the first order and its taper, further orders (each with its
    own start day and taper), the adjuncts.

    Day numbers are relative to the day the plan starts (``Plan.shifted`` moves them onto
    the timeline), so the same form serves the first plan and every revision.
    """

    agent: str
    dose: float | None
    unit: str
    duration_days: int | None
    taper: TaperSteps = field(default_factory=list)
    adjuncts: dict[str, bool] = field(default_factory=dict)
    additional_orders: list[OrderInput] = field(default_factory=list)
    main_start_day: int = 0
    """The first order's start day (the form and the plan JSON may both start it later)."""

    @classmethod
    def from_orders(cls, orders: list[OrderInput], adjuncts: dict[str, bool]) -> PlanInput:
        """The plan v2 JSON's shape (a list of orders, none privileged, plus adjuncts)."""
        main, *others = orders
        return cls(
            main.agent,
            main.dose,
            main.unit or "",
            main.duration_days,
            main.taper,
            adjuncts,
            others,
            main.start_day,
        )

    @property
    def orders(self) -> list[OrderInput]:
        """Every order in the learner's sequence, the main one first."""
        main = OrderInput(
            self.agent, self.dose, self.unit, self.duration_days, self.main_start_day, self.taper
        )
        return [main, *self.additional_orders]


class PlanError(AttemptError):
    """A refused plan, naming the order (1 is the main one) and the input it is about, so
    the form can show the message beside that row rather than above the whole form.

    ``field`` uses the order's input names: agent, dose, unit, start_day, duration_days,
    taper_dose_N, taper_days_N; it is empty when the message concerns the whole plan.
    """

    def __init__(self, message: str, *, order: int | None = None, field: str = "") -> None:
        super().__init__(message, fields=_input_path(order, field, message))
        self.order = order
        self.field = field


def _input_path(order: int | None, field_name: str, message: str) -> dict[str, list[str]]:
    """The refusal keyed by the input's path in the API's plan JSON (``orders.0.taper.1.dose``,
    ``orders.1.start_day``); empty when it concerns the whole plan."""
    if order is None or not field_name:
        return {}
    if taper := TAPER_FIELD.match(field_name):
        path = f"taper.{int(taper[2]) - 1}.{taper[1]}"
    else:
        path = field_name
    return {f"orders.{order - 1}.{path}": [message]}


TAPER_FIELD = re.compile(r"^taper_(dose|days|unit)_(\d+)$")


ENGINE_ORDER_PREFIX = re.compile(r"^orders\[(\d+)\]\.")
ENGINE_TAPER_FIELD = re.compile(r"^taper\[(\d+)\]\.(dose|days)")
ENGINE_FIELD = re.compile(r"^[a-z_]+")


def plan_build(
    *,
    content: CaseContent,
    plan_input: PlanInput,
    starts_on_day: int = 0,
    patient: Patient | None = None,
) -> Plan:
    """Turn the form into an engine plan that starts on ``starts_on_day`` of the timeline.

    Every order is checked by the engine's dose, day and overlap rules and, for ``patient``,
    by its limits in either unit by ideal body weight (a mg/day dose above the per-kilogram
    maximum, a taper step that rises once both units are in milligrams); a refusal is a
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
        shifted = plan.shifted(starts_on_day)
    except (TypeError, ValueError) as error:
        raise _plan_error(str(error), orders) from None
    if patient is not None:
        try:
            check_plan(plan, patient)
        except EnginePlanError as error:
            problem = error.problems[0]
            name = (
                problem.field if problem.step is None else f"taper_{problem.field}_{problem.step}"
            )
            raise PlanError(_readable(problem.message), order=problem.order, field=name) from None
    return shifted


def _order_build(content: CaseContent, order_input: OrderInput, number: int) -> Order:
    if order_input.agent not in content.therapy_by_agent:
        raise PlanError("Choose a therapy offered in this case.", order=number, field="agent")
    agent = get_agent(order_input.agent)
    _check_taper(order_input, number)
    try:
        return Order(
            agent=agent.name,
            dose=order_input.dose if agent.takes_dose else None,
            unit=dose_unit(agent.name, order_input.unit) if agent.takes_dose else None,
            start_day=order_input.start_day,
            duration_days=order_input.duration_days,
            taper=tuple(
                TaperStep(
                    float(step.dose),
                    int(step.days),
                    dose_unit(agent.name, step.unit) if step.unit else None,
                )
                for step in order_input.steps
            ),
        )
    except (TypeError, ValueError) as error:
        raise _order_error(str(error), number, agent.name) from None


def _check_taper(order_input: OrderInput, number: int) -> None:
    """The taper rules the engine leaves to the form: it only goes down, each step lasts."""
    if len(order_input.taper) > MAX_TAPER_STEPS:
        raise PlanError(
            f"A taper has at most {MAX_TAPER_STEPS} steps.", order=number, field="taper_dose_1"
        )
    usual = get_agent(order_input.agent).default_unit
    order_unit = order_input.unit or (usual.value if usual else "")
    for step, taper in enumerate(order_input.steps, start=1):
        if taper.days < 1:
            raise PlanError(
                f"Taper step {step} ends before it starts: give it at least 1 day.",
                order=number,
                field=f"taper_days_{step}",
            )
        units = [unit.value for unit in get_agent(order_input.agent).dose_ranges]
        if taper.unit and taper.unit not in units:
            raise PlanError(
                f"Taper step {step} unit must be {' or '.join(units)} for this agent, "
                f"not {taper.unit!r}.",
                order=number,
                field=f"taper_unit_{step}",
            )
        same_unit = taper.unit in (None, "", order_unit)
        if same_unit and order_input.dose is not None and taper.dose > order_input.dose:
            raise PlanError(
                f"Taper step {step} ({taper.dose:g} {order_unit}) is above the starting "
                "dose; a taper only goes down.",
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
    return catalog_entry.daily_mg(dose, dose_unit(agent, unit), patient.ideal_body_weight_kg)


def dose_preview_text(*, patient: Patient, agent: str, dose: object, unit: str | None) -> str:
    """What a dose row says under it: the dose in its unit and the milligrams a day it means
    for this patient (the agent's cap included), or how to get there."""
    try:
        amount = float(str(dose))
        if not math.isfinite(amount):
            raise ValueError(f"dose must be a finite number, not {amount}")
        mg = dose_daily_mg(patient=patient, agent=agent, dose=amount, unit=unit)
        shown_unit = dose_unit(agent, unit)
    except (TypeError, ValueError):
        return "Enter a dose to see the milligrams for this patient."
    return f"{amount:g} {shown_unit} = {mg:.1f} mg a day for this patient"


def dose_unit(agent: str, unit: str | None) -> DoseUnit:
    """The unit a dose is in: the one given, else the agent's usual one (as in an order)."""
    if unit:
        try:
            return DoseUnit(unit)
        except ValueError:
            allowed = [known.value for known in DoseUnit]
            raise ValueError(f"unit must be one of {allowed}, not {unit!r}") from None
    usual = get_agent(agent).default_unit
    if usual is None:
        raise ValueError(f"{agent} takes no dose")
    return usual


DOSE_TABLE_STEPS = 4
"""Doses per weight-dosed agent in the table: its per-kilogram range in equal steps."""


def dose_table(*, content: CaseContent, patient: Patient) -> list[dict[str, Any]]:
    """mg/day across the per-kilogram range of each agent dosed by weight, by the engine's
    arithmetic (cap included); agents dosed only in mg/day have no row, as mg/kg means
    nothing for them."""
    rows = []
    for therapy in content.therapies:
        agent = get_agent(therapy["agent"])
        allowed = agent.dose_ranges.get(DoseUnit.MG_PER_KG_PER_DAY)
        if allowed is None:
            continue
        low = allowed.minimum or allowed.maximum / DOSE_TABLE_STEPS
        step = (allowed.maximum - low) / (DOSE_TABLE_STEPS - 1)
        for index in range(DOSE_TABLE_STEPS):
            per_kg = round(low + index * step, 3)
            mg = agent.daily_mg(per_kg, DoseUnit.MG_PER_KG_PER_DAY, patient.ideal_body_weight_kg)
            rows.append({"agent": therapy["name"], "per_kg": per_kg, "mg": round(mg, 1)})
    return rows


def plan_from_day(plan: Plan, day: int) -> Plan:
    """What is left of ``plan`` on timeline day ``day``, written from that day as day 0.

    An order under way continues at the level it has reached, for the days left of that
    level, then the rest of its taper; an order still to come keeps its place; a finished
    one is gone. This is where a revision form starts, so the learner changes the current
    plan rather than typing it again.
    """
    orders = []
    for order in plan.orders:
        if order.start_day + order.total_days <= day:
            continue
        if order.start_day >= day:
            orders.append(replace(order, start_day=order.start_day - day))
            continue
        elapsed = day - order.start_day
        if order.duration_days is None or elapsed < order.duration_days:
            left = None if order.duration_days is None else order.duration_days - elapsed
            orders.append(replace(order, start_day=0, duration_days=left))
            continue
        elapsed -= order.duration_days
        for index, step in enumerate(order.taper):
            if elapsed < step.days:
                rest = order.taper[index + 1 :]
                unit = step.unit or order.unit
                current = Order(order.agent, step.dose, unit, 0, step.days - elapsed, rest)
                orders.append(current)
                break
            elapsed -= step.days
    return Plan(tuple(orders), plan.adjuncts, plan.name)
