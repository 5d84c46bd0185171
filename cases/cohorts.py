"""Many patients like this one under two plans: the outcome part of the debrief and preview.

One patient's course is one draw; a plan that is lucky once must not look as good as the
recommended one (clinical digest §16). So the debrief runs the learner's first plan and the
case's model plan over the same cohort of the same case, member for member with the same
seed (common random numbers), and compares counts. The cohort is built by the caller
(``services.cohort_patients``) so the attempt's own patient and seed come first.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cases.simulation import HORIZON_DAYS, Parameters, Patient, Plan, PlanRevision
from cases.simulation.model import STEROID_HARMS, Course, Happening, Phase, RandomDraws, run_course
from cases.simulation.timeline import schedule_for

COHORT_PATIENTS = 200
"""Patients per comparison: the issue asks for at least 200, and 200 keeps a debrief's two
cohorts within its one-second budget (bench/bench_debrief.py)."""
FIRST_YEAR_DAY = 365.0


@dataclass(frozen=True)
class ArmOutcome:
    """What happened to the cohort under one plan, as counts of patients (each once)."""

    patients: int
    relapsed: int
    """At least one relapse within five years."""
    died: int
    """Dead by the end of year five, of any cause."""
    steroid_harm: int
    """At least one of the engine's steroid harms (``model.STEROID_HARMS``: the SUM-MX
    monitoring list with Pneumocystis and adrenal insufficiency after an abrupt stop),
    whether monitoring caught it early or not."""
    persistent_1y: int
    """Disease still active on day 365, or dead by then."""
    unsettled: int
    """Relapsed within five years or still active (or dead) on day 365: the patients whose
    disease the plan did not put lastingly to rest. A plan that never controls the disease
    has no relapses, so relapses alone would flatter it."""
    active_days: float
    """Mean days with active disease in five years; every day after a death counts too, so
    a plan cannot look better by letting the patient die."""

    def share(self, name: str) -> float:
        return getattr(self, name) / self.patients


@dataclass(frozen=True)
class CohortComparison:
    """The learner's plan beside the model plan over the same patients and seeds."""

    seeds: tuple[int, ...]
    yours: ArmOutcome
    model: ArmOutcome

    @property
    def patients(self) -> int:
        return len(self.seeds)

    def to_dict(self) -> dict[str, Any]:
        return {"seeds": list(self.seeds), "yours": asdict(self.yours), "model": asdict(self.model)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CohortComparison:
        return cls(tuple(data["seeds"]), ArmOutcome(**data["yours"]), ArmOutcome(**data["model"]))


def course_of(patient: Patient, plan: Plan, seed: int, params: Parameters) -> Course:
    """The engine's raw course: the same run as a timeline, without sentences and series."""
    segments = schedule_for(patient, (PlanRevision(0, plan),), params)
    return run_course(patient, segments, RandomDraws.from_seed(seed), params)


def active_days(course: Course) -> float:
    """Days in phase ACTIVE before day 1825, plus every day after death."""
    total = 0.0
    phases = [*course.phases, (float(HORIZON_DAYS), Phase.DEAD)]
    for (start, phase), (end, _) in itertools.pairwise(phases):
        if phase is Phase.ACTIVE:
            total += max(0.0, min(end, HORIZON_DAYS) - start)
    death = course.death_time
    if death is not None:
        total += max(0.0, HORIZON_DAYS - death)
    return total


def _persistent(course: Course) -> bool:
    return course.phase_at(FIRST_YEAR_DAY) in (Phase.ACTIVE, Phase.DEAD)


def arm_outcome(courses: Sequence[Course]) -> ArmOutcome:
    def count(flags: Sequence[bool]) -> int:
        return sum(flags)

    return ArmOutcome(
        patients=len(courses),
        relapsed=count([c.first(Happening.RELAPSE) is not None for c in courses]),
        died=count([c.death_time is not None for c in courses]),
        steroid_harm=count(
            [any(o.happening in STEROID_HARMS for o in c.occurrences) for c in courses]
        ),
        persistent_1y=count([_persistent(c) for c in courses]),
        unsettled=count(
            [_persistent(c) or c.first(Happening.RELAPSE) is not None for c in courses]
        ),
        active_days=round(sum(active_days(c) for c in courses) / len(courses), 1),
    )


def cohort_compare(
    patients: Sequence[tuple[Patient, int]], plan: Plan, model_plan: Plan, params: Parameters
) -> CohortComparison:
    """Run both plans over the same (patient, seed) members and count what happened."""
    if not patients:
        raise ValueError("a cohort needs at least one patient")
    yours = [course_of(patient, plan, seed, params) for patient, seed in patients]
    model = [course_of(patient, model_plan, seed, params) for patient, seed in patients]
    return CohortComparison(
        seeds=tuple(seed for _, seed in patients),
        yours=arm_outcome(yours),
        model=arm_outcome(model),
    )
