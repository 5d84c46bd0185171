"""Treatment plans as plain data, validated against the agent catalog."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .agents import Action, Agent, DoseUnit, get_agent

HORIZON_DAYS = 1825
"""Five years: every timeline covers days 0 to HORIZON_DAYS - 1."""

LAST_DAY = HORIZON_DAYS - 1


@dataclass(frozen=True)
class TaperStep:
    """Hold ``dose`` in ``unit`` for ``days`` days; no unit means the order's unit.

    Each step carries its own unit so a taper can move from mg/kg/day to a fixed mg/day
    dose (0.5 mg/kg, then 20 mg/day), as the plan JSON allows; :class:`Order` fills a
    missing unit in, so a built order's steps always name theirs.
    """

    dose: float
    days: int
    unit: DoseUnit | None = None

    def to_dict(self) -> dict[str, Any]:
        unit = None if self.unit is None else self.unit.value
        return {"dose": self.dose, "unit": unit, "days": self.days}


@dataclass(frozen=True)
class DosePiece:
    """A stretch of days [start, end) at a constant daily amount in milligrams."""

    start: int
    end: int
    daily_mg: float


@dataclass(frozen=True)
class Order:
    """One agent from ``start_day`` for ``duration_days`` days, then the taper steps in turn.

    ``duration_days=None`` means "until the end of the timeline" (one day for a resection)
    and cannot be followed by a taper. Doses are in ``unit`` (the agent's first unit when
    omitted) and are checked against the catalog's range when the order is built, so an
    invalid form never reaches the engine.
    """

    agent: str
    dose: float | None = None
    unit: DoseUnit | None = None
    start_day: int = 0
    duration_days: int | None = None
    taper: tuple[TaperStep, ...] = ()

    def __post_init__(self) -> None:
        agent = get_agent(self.agent)
        object.__setattr__(self, "taper", tuple(self.taper))
        if self.unit is None and agent.takes_dose:
            object.__setattr__(self, "unit", agent.default_unit)
        elif self.unit is not None:
            object.__setattr__(self, "unit", _dose_unit(self.unit))
        if self.unit is not None:
            steps = tuple(
                replace(step, unit=self.unit if step.unit is None else _dose_unit(step.unit))
                for step in self.taper
            )
            object.__setattr__(self, "taper", steps)
        _check_int_range("start_day", self.start_day, 0, LAST_DAY)
        if self.duration_days is None and agent.action is Action.RESECTION:
            object.__setattr__(self, "duration_days", 1)
        if self.duration_days is not None:
            _check_int_range("duration_days", self.duration_days, 1, HORIZON_DAYS)
        self._check_doses(agent)
        self._check_length(agent)

    @property
    def catalog_entry(self) -> Agent:
        return get_agent(self.agent)

    def _check_doses(self, agent: Agent) -> None:
        if not agent.takes_dose:
            if self.dose is not None or self.taper:
                raise ValueError(f"dose for {agent.name} must be empty: this agent takes no dose")
            return
        if self.dose is None:
            raise ValueError(f"dose for {agent.name} is required")
        unit = self.order_unit
        allowed = agent.dose_range(unit)
        _check_dose("dose", agent, unit, self.dose, allowed.minimum, allowed.maximum)
        for index, step in enumerate(self.taper):
            _check_int_range(f"taper[{index}].days", step.days, 1, HORIZON_DAYS)
            step_unit = step.unit or unit
            step_range = agent.dose_range(step_unit)
            _check_dose(
                f"taper[{index}].dose", agent, step_unit, step.dose, 0.0, step_range.maximum
            )

    @property
    def order_unit(self) -> DoseUnit:
        """The dose unit of an agent that takes a dose (set on construction)."""
        if self.unit is None:
            raise ValueError(f"{self.agent} takes no dose and has no unit")
        return self.unit

    def _check_length(self, agent: Agent) -> None:
        if self.taper and self.duration_days is None:
            raise ValueError("duration_days must be set (1 to 1825) when the order has a taper")
        if agent.max_duration_days is not None and self.total_days > agent.max_duration_days:
            raise ValueError(
                f"duration_days plus taper for {agent.name} must be between 1 and "
                f"{agent.max_duration_days} days, not {self.total_days}"
            )

    @property
    def total_days(self) -> int:
        """Days from start to the last dose, or to the end of the timeline if open-ended."""
        if self.duration_days is None:
            return HORIZON_DAYS - self.start_day
        return self.duration_days + sum(step.days for step in self.taper)

    def dose_pieces(self, ideal_body_weight_kg: float) -> list[DosePiece]:
        """The order's daily milligrams, one piece per dose level (a one-off order gives 1 day)."""
        agent = self.catalog_entry
        first_length = self.duration_days or HORIZON_DAYS - self.start_day
        levels: list[tuple[float | None, DoseUnit | None, int]] = [
            (self.dose, self.unit, first_length),
            *((step.dose, step.unit, step.days) for step in self.taper),
        ]
        pieces = []
        day = self.start_day
        for dose, unit, days in levels:
            end = min(day + days, HORIZON_DAYS)
            daily = (
                0.0
                if dose is None or unit is None
                else agent.daily_mg(dose, unit, ideal_body_weight_kg)
            )
            if day < end:
                pieces.append(DosePiece(day, end, daily))
            day = end
        return pieces

    def to_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "dose": self.dose,
            "unit": None if self.unit is None else self.unit.value,
            "start_day": self.start_day,
            "duration_days": self.duration_days,
            "taper": [step.to_dict() for step in self.taper],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Order:
        allowed = {"agent", "dose", "unit", "start_day", "duration_days", "taper"}
        _reject_unknown("order", data, allowed)
        if "agent" not in data:
            raise ValueError("agent is required in every order")
        taper = tuple(
            TaperStep(
                dose=_number("taper dose", step.get("dose")),
                days=step.get("days"),
                unit=None if step.get("unit") is None else _dose_unit(step["unit"]),
            )
            for step in data.get("taper") or ()
        )
        dose = data.get("dose")
        return cls(
            agent=data["agent"],
            dose=None if dose is None else _number("dose", dose),
            unit=data.get("unit"),
            start_day=data.get("start_day", 0),
            duration_days=data.get("duration_days"),
            taper=taper,
        )


@dataclass(frozen=True)
class Adjuncts:
    """Supportive measures that change harms, not the disease.

    ``pneumocystis_prophylaxis`` means prophylaxis is given whenever the prednisone-equivalent
    dose exceeds 20 mg/day, as NEJM recommends; below that dose there is no modelled risk.
    """

    pneumocystis_prophylaxis: bool = False
    bone_protection: bool = False
    glucose_monitoring: bool = False
    blood_pressure_monitoring: bool = False

    def to_dict(self) -> dict[str, bool]:
        return {
            "pneumocystis_prophylaxis": self.pneumocystis_prophylaxis,
            "bone_protection": self.bone_protection,
            "glucose_monitoring": self.glucose_monitoring,
            "blood_pressure_monitoring": self.blood_pressure_monitoring,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjuncts:
        _reject_unknown("adjuncts", data, set(cls().to_dict()))
        for name, value in data.items():
            if not isinstance(value, bool):
                raise ValueError(f"adjuncts.{name} must be true or false, not {value!r}")
        return cls(**data)


@dataclass(frozen=True)
class Plan:
    """A complete treatment plan: orders (day numbers are timeline days) plus adjuncts."""

    orders: tuple[Order, ...] = ()
    adjuncts: Adjuncts = field(default_factory=Adjuncts)
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "orders", tuple(self.orders))
        self._check_no_agent_twice_at_once()

    def _check_no_agent_twice_at_once(self) -> None:
        """Refuse two orders of one agent on the same day: their doses would add up past the
        agent's daily cap (two 60 mg prednisone orders), which no catalog range allows."""
        by_start = sorted(enumerate(self.orders), key=lambda item: item[1].start_day)
        for (_, earlier), (index, later) in itertools.combinations(by_start, 2):
            earlier_end = earlier.start_day + earlier.total_days
            if later.agent == earlier.agent and later.start_day < earlier_end:
                raise ValueError(
                    f"orders[{index}].start_day for {later.agent} must be on or after day "
                    f"{earlier_end}, when the other {later.agent} order ends, not "
                    f"{later.start_day}: one agent cannot be ordered twice on the same day"
                )

    def shifted(self, days: int) -> Plan:
        """The same plan ``days`` later on the timeline: every order starts that much later.

        A plan is written from its own day 0 (a form, a built-in); a revision that takes
        effect on day N runs ``plan.shifted(N)``. An order pushed past the last day is a
        ValueError naming the order's ``start_day`` and the range it may take in this plan.
        """
        _check_int_range("days", days, 0, LAST_DAY)
        latest = LAST_DAY - days
        for index, order in enumerate(self.orders):
            if order.start_day > latest:
                raise ValueError(
                    f"orders[{index}].start_day must be between 0 and {latest} in a plan that "
                    f"starts on day {days}, not {order.start_day}"
                )
        orders = tuple(replace(order, start_day=order.start_day + days) for order in self.orders)
        return replace(self, orders=orders)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "orders": [order.to_dict() for order in self.orders],
            "adjuncts": self.adjuncts.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        _reject_unknown("plan", data, {"name", "orders", "adjuncts"})
        return cls(
            orders=tuple(Order.from_dict(order) for order in data.get("orders") or ()),
            adjuncts=Adjuncts.from_dict(data.get("adjuncts") or {}),
            name=str(data.get("name", "")),
        )


@dataclass(frozen=True)
class PlanRevision:
    """``plan`` governs the timeline from ``effective_day`` until the next revision."""

    effective_day: int
    plan: Plan

    def to_dict(self) -> dict[str, Any]:
        return {"effective_day": self.effective_day, "plan": self.plan.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanRevision:
        _reject_unknown("plan revision", data, {"effective_day", "plan"})
        return cls(effective_day=data["effective_day"], plan=Plan.from_dict(data["plan"]))


def plan_history(plan: Plan | Iterable[PlanRevision]) -> tuple[PlanRevision, ...]:
    """Normalise a single plan or a revision list; revisions must start at 0 and move forward."""
    if isinstance(plan, Plan):
        return (PlanRevision(0, plan),)
    history = tuple(plan)
    if not history or history[0].effective_day != 0:
        raise ValueError("the first plan revision must have effective_day 0")
    for earlier, later in itertools.pairwise(history):
        _check_int_range("effective_day", later.effective_day, earlier.effective_day, LAST_DAY)
    return history


def _dose_unit(value: object) -> DoseUnit:
    try:
        return DoseUnit(str(value))
    except ValueError:
        allowed = [unit.value for unit in DoseUnit]
        raise ValueError(f"unit must be one of {allowed}, not {value!r}") from None


def _check_dose(
    name: str, agent: Agent, unit: DoseUnit, value: float, low: float, high: float
) -> None:
    if not low <= value <= high:
        raise ValueError(
            f"{name} for {agent.name} must be between {low:g} and {high:g} {unit.value}, "
            f"not {value:g}"
        )


def _check_int_range(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number between {low} and {high}, not {value!r}")


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, not {value!r}")
    return float(value)


def _reject_unknown(what: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown {what} fields {sorted(unknown)}; allowed: {sorted(allowed)}")
