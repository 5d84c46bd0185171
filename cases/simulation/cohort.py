"""Cohort statistics: many patients from a profile under one plan, summarised as fractions.

Each member runs through exactly the same model as a single timeline (:func:`run_course`); only
the sentence and daily-series layers are skipped, which is what makes 10,000 patients cheap.
Member ``i`` of a cohort is reproducible on its own: see :func:`member_seeds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from .builtins import Profile, get_plan, get_profile
from .model import (
    SERIOUS_ADVERSE,
    STEROID_HARMS,
    Course,
    Happening,
    Occurrence,
    Phase,
    RandomDraws,
    run_course,
)
from .parameters import Parameters
from .patient import Patient
from .plan import HORIZON_DAYS, Plan, PlanRevision, plan_history
from .timeline import schedule_for

RADIOLOGY_CHECK_DAY = 91.0
"""Three months, in days (NEJM: radiologic resolution within 3 months)."""
EARLY_DEATH_DAYS = 60.0
RECOVERED = frozenset({Phase.CLEARED, Phase.CURED})
PERSISTENT = frozenset({Phase.ACTIVE, Phase.RESIDUAL})
"""Still with active disease, or with lasting symptoms or function loss (GARD's third)."""
BONE_HARMS = frozenset({Happening.FRACTURE, Happening.AVASCULAR_NECROSIS})
DISEASE_DEATHS = frozenset({Happening.DEATH_DISEASE, Happening.DEATH_UNDERLYING})


@dataclass(frozen=True)
class CohortSummary:
    """Fractions of the cohort; every statistic counts each patient at most once.

    Times are continuous days after presentation (day 0, when the built-in plans start).
    """

    patients: int
    seed: int
    improved_by_day_3: float
    """First symptomatic improvement within 72 h (time <= 3.0)."""
    improved_by_day_10: float
    """First symptomatic improvement within 10 days (time <= 10.0)."""
    radiologic_resolution_by_month_3: float
    """Imaging cleared completely (or the lesion resected) by day 91."""
    complete_recovery_1y: float
    """Alive on day 365 with clear imaging, no lasting abnormality and no active disease."""
    relapse_1y: float
    """At least one relapse before day 365."""
    relapse_share_low_dose_or_off: float | None
    """Among patients who ever relapse, the share whose first relapse began at prednisone-
    equivalent <= 15 mg/day or off glucocorticoids; None when nobody relapsed."""
    survival_5y: float
    """Alive on day 1825."""
    pjp: float
    """Pneumocystis pneumonia at any time in five years."""
    death_60d: float
    """Death from any cause before day 60."""
    treatment_failure: float
    """No improvement by the day-14 assessment (including deaths before it); for the
    clarithromycin plan these are the patients who then need steroids (SUM-MX)."""
    spontaneous_improvement: float
    """First improvement in the first year came with no disease-directed treatment in force."""
    relapse_5y: float = 0.0
    """At least one relapse in the five years."""
    death_after_day_60: float = 0.0
    """Death from any cause on day 60 or later."""
    persistent_disease_1y: float = 0.0
    """Alive on day 365 and still with active disease or a lasting abnormality (symptoms,
    function loss or shadows)."""
    any_steroid_harm: float = 0.0
    """At least one glucocorticoid harm: hyperglycaemia, hypertension, myopathy, fracture,
    avascular necrosis, adrenal insufficiency or Pneumocystis."""
    fracture_or_avn_5y: float = 0.0
    """An osteoporotic fracture or avascular necrosis in the five years."""
    adrenal_insufficiency: float = 0.0
    """Adrenal insufficiency after a suppressive steroid course stopped at once."""
    serious_adverse_event: float = 0.0
    """A harm of a non-steroid agent (marrow suppression, liver injury, bladder bleeding) or
    a serious infection other than Pneumocystis."""
    median_cumulative_prednisone_mg: float = 0.0
    """Median prednisone-equivalent milligrams given over five years (or until death)."""
    mean_active_disease_days: float = 0.0
    """Mean days spent with active disease in the five years, up to death."""
    disease_death_5y: float = 0.0
    """Death from the disease itself or the illness behind it, in the five years."""
    disease_death_after_day_60: float = 0.0
    """Death from the disease itself or the illness behind it on day 60 or later."""

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


RESPONSE_CHECK_DAY = 10.0
"""NEJM: on adequate treatment improvement rarely takes more than 10 days."""


@dataclass(frozen=True)
class PatientOutcome:
    """One patient's five years under a plan, reduced to what a comparison of plans counts.

    The same run as :func:`simulate` gives for that patient, plan and seed, without its
    sentences and daily series; callers count these over a cohort of their own patients.
    """

    relapsed: bool
    """At least one relapse in the five years."""
    death_day: float | None
    """Day of death from any cause, None if alive on day 1825."""
    steroid_harm: bool
    """At least one glucocorticoid harm (as :attr:`CohortSummary.any_steroid_harm`)."""
    serious_adverse_event: bool
    """A harm of a non-steroid agent or a serious infection other than Pneumocystis (as
    :attr:`CohortSummary.serious_adverse_event`)."""
    active_on_day_10: bool
    """Disease still active on day 10 (NEJM: improvement rarely takes longer)."""
    active_on_day_365: bool
    """Disease still active on day 365."""
    active_disease_days: float
    """Days with active disease in the five years, up to death."""

    def dead_by(self, day: float) -> bool:
        return self.death_day is not None and self.death_day <= day


def patient_outcome(
    patient: Patient,
    plan: Plan | Sequence[PlanRevision],
    seed: int,
    params: Parameters | None = None,
) -> PatientOutcome:
    """Run one patient under ``plan`` with ``seed`` and say what came of it."""
    params = params or Parameters()
    segments = schedule_for(patient, plan_history(plan), params)
    course = run_course(patient, segments, RandomDraws.from_seed(seed), params)
    return PatientOutcome(
        relapsed=course.first(Happening.RELAPSE) is not None,
        death_day=course.death_time,
        steroid_harm=_any(course, STEROID_HARMS),
        serious_adverse_event=_any(course, SERIOUS_ADVERSE),
        active_on_day_10=course.phase_at(RESPONSE_CHECK_DAY) is Phase.ACTIVE,
        active_on_day_365=course.phase_at(params.first_year_days) is Phase.ACTIVE,
        active_disease_days=_active_days(course),
    )


def member_seeds(seed: int, patients: int) -> list[int]:
    """Per-member seeds: member ``i`` is ``profile.sample(s)`` simulated with seed ``s``."""
    state = np.random.SeedSequence(seed).generate_state(patients, dtype=np.uint32)
    return [int(value) for value in state]


def summarize_cohort(
    profile: Profile | str,
    plan: Plan | str,
    patients: int,
    seed: int,
    params: Parameters | None = None,
) -> CohortSummary:
    """Simulate ``patients`` members of ``profile`` under ``plan`` and summarise them."""
    _check_count(patients)
    _check_seed(seed)
    profile = get_profile(profile) if isinstance(profile, str) else profile
    seeds = member_seeds(seed, patients)
    members = [profile.sample(member_seed) for member_seed in seeds]
    return _run_members(
        members, seeds, get_plan(plan) if isinstance(plan, str) else plan, seed, params
    )


def simulate_cohort(
    patients: Sequence[Patient],
    plan: Plan | Sequence[PlanRevision],
    seed: int,
    params: Parameters | None = None,
    seeds: Sequence[int] | None = None,
) -> CohortSummary:
    """Summarise an explicit list of patients (a case's own) under one plan or plan history.

    Patient ``i`` is simulated with ``seeds[i]`` when given (the seeds the patients were drawn
    with, so a case's cohort matches its debrief and preview member for member), else with
    ``member_seeds(seed, len(patients))[i]``, as in :func:`summarize_cohort`; either way two
    plans given the same patients and seed share every draw.
    """
    _check_count(len(patients))
    _check_seed(seed)
    if seeds is None:
        seeds = member_seeds(seed, len(patients))
    elif len(seeds) != len(patients):
        raise ValueError(
            f"seeds must give one seed per patient ({len(patients)}), not {len(seeds)}"
        )
    for member_seed in seeds:
        _check_seed(member_seed)
    return _run_members(list(patients), list(seeds), plan, seed, params)


def _run_members(
    members: list[Patient],
    seeds: list[int],
    plan: Plan | Sequence[PlanRevision],
    seed: int,
    params: Parameters | None,
) -> CohortSummary:
    history = plan_history(plan)
    params = params or Parameters()
    courses = []
    for patient, member_seed in zip(members, seeds, strict=True):
        segments = schedule_for(patient, history, params)
        courses.append(run_course(patient, segments, RandomDraws.from_seed(member_seed), params))
    return _summarize(courses, seed, params)


def _check_count(patients: object) -> None:
    if isinstance(patients, bool) or not isinstance(patients, int) or not 1 <= patients <= 10**6:
        raise ValueError(f"patients must be a whole number between 1 and 1000000, not {patients!r}")


def _check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {seed!r}")


def _summarize(courses: list[Course], seed: int, params: Parameters) -> CohortSummary:
    count = len(courses)

    def share(flags: list[bool]) -> float:
        return sum(flags) / count

    firsts = [course.first(Happening.IMPROVEMENT) for course in courses]
    first_relapses = [course.first(Happening.RELAPSE) for course in courses]
    relapsed = [relapse for relapse in first_relapses if relapse is not None]
    deaths = [course.death_time for course in courses]
    year = params.first_year_days
    return CohortSummary(
        patients=count,
        seed=seed,
        improved_by_day_3=share([_by(first, 3.0) for first in firsts]),
        improved_by_day_10=share([_by(first, RESPONSE_CHECK_DAY) for first in firsts]),
        radiologic_resolution_by_month_3=share(
            [_resolved_by(c, RADIOLOGY_CHECK_DAY) for c in courses]
        ),
        complete_recovery_1y=share(
            [course.phase_at(params.first_year_days) in RECOVERED for course in courses]
        ),
        relapse_1y=share(
            [r is not None and r.time < params.first_year_days for r in first_relapses]
        ),
        relapse_share_low_dose_or_off=(
            sum(r.steroid_mg <= params.low_dose_threshold_mg for r in relapsed) / len(relapsed)
            if relapsed
            else None
        ),
        survival_5y=share([death is None for death in deaths]),
        pjp=share([course.first(Happening.PNEUMOCYSTIS) is not None for course in courses]),
        death_60d=share([death is not None and death < EARLY_DEATH_DAYS for death in deaths]),
        treatment_failure=share(
            [not _by(first, params.failure_assessment_day) for first in firsts]
        ),
        spontaneous_improvement=share(
            [
                first is not None
                and first.therapy == "none"
                and first.time < params.first_year_days
                for first in firsts
            ]
        ),
        relapse_5y=share([relapse is not None for relapse in first_relapses]),
        death_after_day_60=share(
            [death is not None and death >= EARLY_DEATH_DAYS for death in deaths]
        ),
        persistent_disease_1y=share([course.phase_at(year) in PERSISTENT for course in courses]),
        any_steroid_harm=share([_any(course, STEROID_HARMS) for course in courses]),
        fracture_or_avn_5y=share([_any(course, BONE_HARMS) for course in courses]),
        adrenal_insufficiency=share(
            [_any(course, frozenset({Happening.ADRENAL_INSUFFICIENCY})) for course in courses]
        ),
        serious_adverse_event=share([_any(course, SERIOUS_ADVERSE) for course in courses]),
        median_cumulative_prednisone_mg=round(
            float(np.median([course.prednisone_mg for course in courses])), 1
        ),
        disease_death_5y=share([_disease_death(course) is not None for course in courses]),
        disease_death_after_day_60=share(
            [(_disease_death(course) or 0.0) >= EARLY_DEATH_DAYS for course in courses]
        ),
        mean_active_disease_days=round(sum(_active_days(course) for course in courses) / count, 1),
    )


def _any(course: Course, happenings: frozenset[Happening]) -> bool:
    return any(occurrence.happening in happenings for occurrence in course.occurrences)


def _disease_death(course: Course) -> float | None:
    death = course.occurrences[-1] if course.death_time is not None else None
    return death.time if death is not None and death.happening in DISEASE_DEATHS else None


def _active_days(course: Course) -> float:
    """Days in the active phase over the five years, stopping at death."""
    total = 0.0
    ends = [time for time, _ in course.phases[1:]] + [float(HORIZON_DAYS)]
    for (start, phase), end in zip(course.phases, ends, strict=True):
        if phase is Phase.ACTIVE:
            total += min(end, HORIZON_DAYS) - start
    return total


def _by(occurrence: Occurrence | None, day: float) -> bool:
    return occurrence is not None and occurrence.time <= day


def _resolved_by(course: Course, day: float) -> bool:
    return any(
        occurrence.time <= day
        and occurrence.happening in (Happening.IMAGING_CLEARED, Happening.RESECTION_CURE)
        for occurrence in course.occurrences
    )
