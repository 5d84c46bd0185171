"""The catalog of orders a learner can place, with the dose rules a plan form needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .sources import Source


class DoseUnit(StrEnum):
    MG_PER_KG_PER_DAY = "mg/kg/day"
    MG_PER_DAY = "mg/day"


class Action(StrEnum):
    """What an order does to the disease model; several agents share an action."""

    GLUCOCORTICOID = "glucocorticoid"
    MACROLIDE = "macrolide"
    IMMUNOSUPPRESSANT = "immunosuppressant"
    ANTIBIOTIC = "antibiotic"
    REMOVE_CULPRIT = "remove_culprit"
    RESECTION = "resection"
    OBSERVATION = "observation"


@dataclass(frozen=True)
class DoseRange:
    """Allowed daily dose in one unit, both ends inclusive."""

    minimum: float
    maximum: float


@dataclass(frozen=True)
class Agent:
    """One orderable agent.

    ``daily_cap_mg`` is applied after converting a per-kilogram dose to milligrams, so a tall
    patient on 1 mg/kg prednisone still receives at most 60 mg/day (NEJM).
    ``prednisone_equivalence`` converts this agent's milligrams into prednisone milligrams for
    the steroid-dose series and every dose-dependent hazard; it is 0 for non-glucocorticoids.
    ``max_mg_per_kg`` is the per-kilogram ceiling (by ideal body weight) that a dose written
    in mg/day must also respect, so the unit chosen cannot bypass the weight limit (§16 row 12).
    ``treats_infection`` marks an antibacterial: it treats a community-acquired pneumonia and
    the infection behind an infection-triggered OP, whatever else its action does (a macrolide
    is also a pneumonia antibiotic, NEJM: "macrolide antibiotics").
    """

    name: str
    label: str
    action: Action
    dose_ranges: dict[DoseUnit, DoseRange] = field(default_factory=dict)
    daily_cap_mg: float | None = None
    prednisone_equivalence: float = 0.0
    max_duration_days: int | None = None
    max_mg_per_kg: float | None = None
    treats_infection: bool = False
    source: Source = Source.NEJM
    note: str = ""

    @property
    def takes_dose(self) -> bool:
        return bool(self.dose_ranges)

    @property
    def default_unit(self) -> DoseUnit | None:
        return next(iter(self.dose_ranges), None)

    def dose_range(self, unit: DoseUnit) -> DoseRange:
        if unit not in self.dose_ranges:
            allowed = [u.value for u in self.dose_ranges] or ["no dose"]
            raise ValueError(f"unit for {self.name} must be one of {allowed}, not {unit!r}")
        return self.dose_ranges[unit]

    def daily_mg(self, dose: float, unit: DoseUnit, ideal_body_weight_kg: float) -> float:
        """Milligrams per day for a dose in ``unit``, capped at ``daily_cap_mg``."""
        milligrams = dose * ideal_body_weight_kg if unit is DoseUnit.MG_PER_KG_PER_DAY else dose
        return milligrams if self.daily_cap_mg is None else min(milligrams, self.daily_cap_mg)


AGENTS: dict[str, Agent] = {
    agent.name: agent
    for agent in (
        Agent(
            name="prednisone",
            label="Prednisone, oral, once each morning",
            action=Action.GLUCOCORTICOID,
            dose_ranges={
                DoseUnit.MG_PER_KG_PER_DAY: DoseRange(0.0, 1.0),
                DoseUnit.MG_PER_DAY: DoseRange(0.0, 60.0),
            },
            daily_cap_mg=60.0,
            prednisone_equivalence=1.0,
            max_mg_per_kg=1.0,
            source=Source.NEJM,
            note="0.5-1 mg/kg/day by ideal body weight, at most 60 mg/day (NEJM).",
        ),
        Agent(
            name="methylprednisolone_pulse",
            label="Methylprednisolone, intravenous pulse",
            action=Action.GLUCOCORTICOID,
            dose_ranges={DoseUnit.MG_PER_DAY: DoseRange(500.0, 1000.0)},
            daily_cap_mg=1000.0,
            prednisone_equivalence=1.25,
            max_duration_days=5,
            source=Source.NEJM,
            note=(
                "500-1000 mg/day for 3-5 days (NEJM). The 1.25 prednisone equivalence "
                "(4 mg methylprednisolone = 5 mg prednisone) is standard pharmacology, "
                "not taken from the sources."
            ),
        ),
        Agent(
            name="clarithromycin",
            label="Clarithromycin, oral",
            action=Action.MACROLIDE,
            dose_ranges={DoseUnit.MG_PER_DAY: DoseRange(500.0, 1000.0)},
            daily_cap_mg=1000.0,
            treats_infection=True,
            source=Source.SUM_MX,
            note=(
                "500 mg twice daily (1000 mg/day) for 3 months in mild disease (SUM-MX); a "
                "macrolide antibiotic (NEJM), so it also treats a pneumonia."
            ),
        ),
        Agent(
            name="azathioprine",
            label="Azathioprine, oral",
            action=Action.IMMUNOSUPPRESSANT,
            dose_ranges={
                DoseUnit.MG_PER_KG_PER_DAY: DoseRange(1.0, 2.0),
                DoseUnit.MG_PER_DAY: DoseRange(50.0, 150.0),
            },
            daily_cap_mg=150.0,
            max_mg_per_kg=2.0,
            source=Source.NEJM,
            note=(
                "1-2 mg/kg/day, at most 150 mg/day, for at least 3 months; start at 50 mg/day "
                "and raise it over 2-4 weeks (NEJM)."
            ),
        ),
        Agent(
            name="mycophenolate",
            label="Mycophenolate mofetil, oral",
            action=Action.IMMUNOSUPPRESSANT,
            dose_ranges={DoseUnit.MG_PER_DAY: DoseRange(500.0, 3000.0)},
            daily_cap_mg=3000.0,
            source=Source.NEJM,
            note=(
                "Steroid-sparing agent (NEJM, SUM-MX). The sources give no dose; the "
                "500-3000 mg/day range is usual practice, not taken from the sources."
            ),
        ),
        Agent(
            name="cyclophosphamide",
            label="Cyclophosphamide, oral",
            action=Action.IMMUNOSUPPRESSANT,
            dose_ranges={DoseUnit.MG_PER_KG_PER_DAY: DoseRange(1.0, 2.0)},
            daily_cap_mg=150.0,
            max_duration_days=183,
            max_mg_per_kg=2.0,
            source=Source.NEJM,
            note=(
                "Rare refractory cases only; stop after 6 months (NEJM). The sources give no "
                "dose; 1-2 mg/kg/day capped at 150 mg/day is usual practice, not sourced."
            ),
        ),
        Agent(
            name="antibiotics",
            label="Empirical antibiotics for pneumonia",
            action=Action.ANTIBIOTIC,
            treats_infection=True,
            source=Source.NEJM,
            note="Treats community-acquired pneumonia and infection-triggered OP (NEJM, SUM-DX).",
        ),
        Agent(
            name="stop_culprit",
            label="Stop the culprit drug or exposure",
            action=Action.REMOVE_CULPRIT,
            source=Source.SUM_DX,
            note="Removing the cause is essential in secondary OP (SUM-DX).",
        ),
        Agent(
            name="surgical_resection",
            label="Surgical resection of a solitary lesion",
            action=Action.RESECTION,
            max_duration_days=1,
            source=Source.NEJM,
            note="Usually curative in focal organizing pneumonia (NEJM).",
        ),
        Agent(
            name="observation",
            label="Observation without disease-directed treatment",
            action=Action.OBSERVATION,
            source=Source.SUM_MX,
            note="Reasonable in mild disease; start steroids if no better within 2 weeks (SUM-MX).",
        ),
    )
}


def get_agent(name: str) -> Agent:
    try:
        return AGENTS[name]
    except KeyError:
        raise ValueError(f"agent must be one of {sorted(AGENTS)}, not {name!r}") from None
