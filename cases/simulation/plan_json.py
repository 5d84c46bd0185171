"""Plan v2 JSON: the one shape the plan form, the API, the command line and stored plans use.

```
{"orders": [{"agent": "prednisone", "start_day": 0, "dose": 0.75, "unit": "mg/kg/day",
             "duration_days": 28,
             "taper": [{"dose": 0.5, "unit": "mg/kg/day", "days": 28},
                       {"dose": 20, "unit": "mg/day", "days": 60}]},
            {"agent": "stop_culprit", "start_day": 0}],
 "adjuncts": {"pneumocystis_prophylaxis": true, "bone_protection": true,
              "glucose_monitoring": true, "blood_pressure_monitoring": true}}
```

No order is privileged: the plan is the list. :func:`plan_from_json` reads it for one patient
and refuses it with a :class:`PlanError` that lists *every* problem, each naming the order
(counted from 1), the field and the allowed range, so a form can show each beside its row.
Limits hold in either unit by the patient's ideal body weight: 150 mg/day of azathioprine is
3.3 mg/kg for a 45 kg ideal weight and is refused like 3.3 mg/kg would be (§16 row 12).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .agents import AGENTS, Agent, DoseUnit
from .patient import Patient
from .plan import HORIZON_DAYS, LAST_DAY, Adjuncts, Order, Plan, TaperStep

ORDER_FIELDS = ("agent", "start_day", "dose", "unit", "duration_days", "taper")
STEP_FIELDS = ("dose", "unit", "days")
PLAN_FIELDS = ("orders", "adjuncts", "name")
ADJUNCT_FIELDS = tuple(Adjuncts().to_dict())
MG_TOLERANCE = 1e-9
"""Rounding slack when a dose in one unit is compared with a limit in the other."""


@dataclass(frozen=True)
class PlanProblem:
    """One reason a plan is refused.

    ``order`` counts orders from 1 (None for the plan as a whole or its adjuncts); ``step``
    counts taper steps from 1 when the problem is about one step; ``field`` is the JSON name
    (``agent``, ``start_day``, ``dose``, ``unit``, ``duration_days``, ``taper``, ``days``,
    ``adjuncts.<name>``, ``orders``). ``text`` is the sentence without its location, for
    showing beside the row; :attr:`message` puts the location in front.
    """

    order: int | None
    field: str
    text: str
    step: int | None = None

    @property
    def message(self) -> str:
        parts = []
        if self.order is not None:
            parts.append(f"Order {self.order}")
        if self.step is not None:
            parts.append(f"taper step {self.step}")
        parts.append(self.field.replace("_", " "))
        return f"{', '.join(parts)}: {self.text}"


class PlanError(ValueError):
    """A refused plan; ``problems`` lists every reason, the message joins them."""

    def __init__(self, problems: Sequence[PlanProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(problem.message for problem in self.problems))


def plan_from_json(data: object, patient: Patient | None = None) -> Plan:
    """The plan ``data`` describes, checked for ``patient``; a :class:`PlanError` otherwise.

    Without a patient (reading a stored plan back) every rule is checked except the ones that
    need an ideal body weight: the per-kilogram ceiling of a mg/day dose and a taper that
    changes unit on the way down.
    """
    problems: list[PlanProblem] = []
    if not isinstance(data, Mapping):
        raise PlanError([PlanProblem(None, "plan", "must be a JSON object with orders")])
    problems.extend(_unknown_fields(data, PLAN_FIELDS, None, "plan"))
    raw_orders = data.get("orders")
    if not isinstance(raw_orders, list) or not raw_orders:
        problems.append(
            PlanProblem(None, "orders", "must be a list of at least one order (observation is one)")
        )
        raw_orders = []
    ideal_weight = None if patient is None else patient.ideal_body_weight_kg
    orders: list[Order | None] = []
    for number, raw in enumerate(raw_orders, start=1):
        order_problems, order = _read_order(raw, number, ideal_weight)
        problems.extend(order_problems)
        orders.append(order)
    adjuncts, adjunct_problems = _read_adjuncts(data.get("adjuncts", {}))
    problems.extend(adjunct_problems)
    name = data.get("name", "")
    if not isinstance(name, str):
        problems.append(PlanProblem(None, "name", f"must be text, not {_shown(name)}"))
        name = ""
    built = [order for order in orders if order is not None]
    if len(built) == len(orders):
        problems.extend(_overlap_problems(built))
    if problems:
        raise PlanError(problems)
    return Plan(tuple(built), adjuncts, name)


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The JSON :func:`plan_from_json` reads back into an equal plan."""
    data: dict[str, Any] = {
        "orders": [_order_to_json(order) for order in plan.orders],
        "adjuncts": plan.adjuncts.to_dict(),
    }
    if plan.name:
        data["name"] = plan.name
    return data


def check_plan(plan: Plan, patient: Patient) -> None:
    """Refuse a built plan that passes a limit for this patient (per kilogram, taper rising).

    Built-in plans and stored plans are built without a patient; this applies the rules
    that need one, with the same messages as :func:`plan_from_json`.
    """
    plan_from_json(plan_to_json(plan), patient)


# --- one order ---------------------------------------------------------------------------------


def _read_order(
    raw: object, number: int, ideal_weight: float | None
) -> tuple[list[PlanProblem], Order | None]:
    if not isinstance(raw, Mapping):
        return [PlanProblem(number, "order", "must be a JSON object with an agent")], None
    problems = _unknown_fields(raw, ORDER_FIELDS, number, "order")
    agent_name = raw.get("agent")
    agent = AGENTS.get(agent_name) if isinstance(agent_name, str) else None
    if agent is None:
        problems.append(
            PlanProblem(
                number, "agent", f"must be one of {_listed(AGENTS)}, not {_shown(agent_name)}"
            )
        )
        return problems, None
    start_day = _whole(raw.get("start_day", 0), 0, LAST_DAY, number, "start_day", problems)
    duration = raw.get("duration_days")
    if duration is not None:
        limit = agent.max_duration_days or HORIZON_DAYS
        duration = _whole(duration, 1, limit, number, "duration_days", problems)
    if agent.takes_dose:
        dose, unit, taper = _read_doses(raw, agent, number, ideal_weight, problems)
    else:
        dose, unit, taper = None, None, ()
        for name in ("dose", "unit"):
            if raw.get(name) is not None:
                problems.append(
                    PlanProblem(number, name, f"must be left out: {agent.name} takes no dose")
                )
        if raw.get("taper"):
            problems.append(
                PlanProblem(number, "taper", f"must be left out: {agent.name} takes no dose")
            )
    if taper and duration is None:
        problems.append(
            PlanProblem(
                number,
                "duration_days",
                f"must be a whole number from 1 to {HORIZON_DAYS} when the order has a taper",
            )
        )
    if problems or start_day is None:
        return problems, None
    order = Order(agent.name, dose, unit, start_day, duration, taper)
    if agent.max_duration_days is not None and order.total_days > agent.max_duration_days:
        problems.append(
            PlanProblem(
                number,
                "duration_days",
                f"with the taper must come to between 1 and {agent.max_duration_days} days for "
                f"{agent.name}, not {order.total_days}",
            )
        )
        return problems, None
    return problems, order


def _read_doses(
    raw: Mapping[str, Any],
    agent: Agent,
    number: int,
    ideal_weight: float | None,
    problems: list[PlanProblem],
) -> tuple[float | None, DoseUnit | None, tuple[TaperStep, ...]]:
    unit = _unit(raw.get("unit"), agent, number, None, problems)
    dose = _dose(raw.get("dose"), agent, unit, number, None, ideal_weight, problems, first=True)
    raw_taper = raw.get("taper") or []
    if not isinstance(raw_taper, list):
        problems.append(PlanProblem(number, "taper", "must be a list of steps"))
        return dose, unit, ()
    steps: list[TaperStep] = []
    previous_mg = _mg(agent, dose, unit, ideal_weight)
    previous = (dose, unit)
    for index, raw_step in enumerate(raw_taper, start=1):
        if not isinstance(raw_step, Mapping):
            problems.append(
                PlanProblem(number, "taper", "must be an object with dose, unit and days", index)
            )
            continue
        problems.extend(_unknown_fields(raw_step, STEP_FIELDS, number, "taper step", index))
        step_unit = _unit(raw_step.get("unit", unit), agent, number, index, problems)
        step_dose = _dose(
            raw_step.get("dose"), agent, step_unit, number, index, ideal_weight, problems
        )
        days = _whole(raw_step.get("days"), 1, HORIZON_DAYS, number, "days", problems, index)
        step_mg = _mg(agent, step_dose, step_unit, ideal_weight)
        rising = (
            step_mg > previous_mg + MG_TOLERANCE
            if step_mg is not None and previous_mg is not None
            else step_unit is not None
            and step_unit == previous[1]
            and step_dose is not None
            and previous[0] is not None
            and step_dose > previous[0]
        )
        if rising:
            problems.append(
                PlanProblem(
                    number,
                    "dose",
                    f"{step_dose:g} {step_unit} is above the dose before it; a taper only goes "
                    "down (each step at most the dose of the one before)",
                    index,
                )
            )
        if step_dose is not None and step_unit is not None and days is not None:
            steps.append(TaperStep(step_dose, days, step_unit))
            previous, previous_mg = (step_dose, step_unit), step_mg
    return dose, unit, tuple(steps)


def _unit(
    value: object, agent: Agent, number: int, step: int | None, problems: list[PlanProblem]
) -> DoseUnit | None:
    if value is None:
        return agent.default_unit
    allowed = [unit.value for unit in agent.dose_ranges]
    if value not in allowed:
        problems.append(
            PlanProblem(
                number,
                "unit",
                f"must be {' or '.join(allowed)} for {agent.name}, not {_shown(value)}",
                step,
            )
        )
        return None
    return DoseUnit(value)


def _dose(
    value: object,
    agent: Agent,
    unit: DoseUnit | None,
    number: int,
    step: int | None,
    ideal_weight: float | None,
    problems: list[PlanProblem],
    *,
    first: bool = False,
) -> float | None:
    """A dose within the agent's range in its unit and, by ideal weight, in the other one."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(PlanProblem(number, "dose", f"must be a number, not {_shown(value)}", step))
        return None
    if unit is None:
        return float(value)
    allowed = agent.dose_range(unit)
    low = allowed.minimum if first else 0.0
    if not low <= value <= allowed.maximum:
        problems.append(
            PlanProblem(
                number,
                "dose",
                f"must be between {low:g} and {allowed.maximum:g} {unit} for {agent.name}, "
                f"not {value:g}",
                step,
            )
        )
        return None
    if unit is DoseUnit.MG_PER_DAY and ideal_weight is not None and agent.max_mg_per_kg:
        ceiling = agent.max_mg_per_kg * ideal_weight
        if value > ceiling + MG_TOLERANCE:
            problems.append(
                PlanProblem(
                    number,
                    "dose",
                    f"{value:g} mg/day is {value / ideal_weight:.2f} mg/kg by this patient's "
                    f"ideal body weight ({ideal_weight:.1f} kg); {agent.name} allows at most "
                    f"{agent.max_mg_per_kg:g} mg/kg/day, here {math.floor(ceiling):g} mg/day",
                    step,
                )
            )
            return None
    return float(value)


def _mg(
    agent: Agent, dose: float | None, unit: DoseUnit | None, weight: float | None
) -> float | None:
    """Milligrams per day when they can be known, else None (no patient and units differ)."""
    if dose is None or unit is None:
        return None
    if unit is DoseUnit.MG_PER_DAY:
        return dose
    return None if weight is None else agent.daily_mg(dose, unit, weight)


# --- the plan as a whole -----------------------------------------------------------------------


def _read_adjuncts(raw: object) -> tuple[Adjuncts, list[PlanProblem]]:
    if not isinstance(raw, Mapping):
        return Adjuncts(), [PlanProblem(None, "adjuncts", "must be an object of true/false values")]
    problems = _unknown_fields(raw, ADJUNCT_FIELDS, None, "adjuncts")
    values: dict[str, bool] = {}
    for name in ADJUNCT_FIELDS:
        value = raw.get(name, False)
        if isinstance(value, bool):
            values[name] = value
        else:
            problems.append(
                PlanProblem(None, f"adjuncts.{name}", f"must be true or false, not {_shown(value)}")
            )
    return Adjuncts(**values), problems


def _overlap_problems(orders: list[Order]) -> list[PlanProblem]:
    """One agent may not run twice on one day: the doses would add up past its cap."""
    problems = []
    numbered = sorted(enumerate(orders, start=1), key=lambda item: item[1].start_day)
    for (earlier_number, earlier), (number, later) in itertools.combinations(numbered, 2):
        earlier_end = earlier.start_day + earlier.total_days
        if later.agent == earlier.agent and later.start_day < earlier_end:
            problems.append(
                PlanProblem(
                    number,
                    "start_day",
                    f"must be day {earlier_end} or later, when order {earlier_number} "
                    f"({earlier.agent}) ends, not {later.start_day}: one agent cannot be "
                    "ordered twice on the same day",
                )
            )
    return problems


def _order_to_json(order: Order) -> dict[str, Any]:
    data: dict[str, Any] = {"agent": order.agent, "start_day": order.start_day}
    if order.dose is not None and order.unit is not None:
        data["dose"] = order.dose
        data["unit"] = order.unit.value
    if order.duration_days is not None:
        data["duration_days"] = order.duration_days
    if order.taper:
        data["taper"] = [
            {"dose": step.dose, "unit": (step.unit or order.order_unit).value, "days": step.days}
            for step in order.taper
        ]
    return data


# --- small readers -----------------------------------------------------------------------------


def _whole(
    value: object,
    low: int,
    high: int,
    number: int,
    name: str,
    problems: list[PlanProblem],
    step: int | None = None,
) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            PlanProblem(
                number,
                name,
                f"must be a whole number from {low} to {high}, not {_shown(value)}",
                step,
            )
        )
        return None
    return value


def _unknown_fields(
    data: Mapping[str, Any],
    allowed: Sequence[str],
    number: int | None,
    what: str,
    step: int | None = None,
) -> list[PlanProblem]:
    unknown = sorted(str(key) for key in data if key not in allowed)
    if not unknown:
        return []
    return [
        PlanProblem(
            number,
            what.replace(" ", "_") if step is None else "taper",
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"allowed: {', '.join(allowed)}",
            step,
        )
    ]


def _listed(names: Mapping[str, Any]) -> str:
    return ", ".join(sorted(names))


def _shown(value: object) -> str:
    if value is None:
        return "nothing"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
