"""Cohort statistics: many patients from a profile under one plan, summarised as fractions.

Each member runs through exactly the same model as a single timeline (:func:`run_course`); only
the sentence and daily-series layers are skipped, which is what makes 10,000 patients cheap.
Member ``i`` of a cohort is reproducible on its own: see :func:`member_seeds`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .builtins import Profile, get_plan, get_profile
from .model import Course, Happening, Occurrence, Phase, RandomDraws, run_course
from .parameters import Parameters
from .plan import Plan, plan_history
from .timeline import schedule_for

RADIOLOGY_CHECK_DAY = 91.0
"""Three months, in days (NEJM: radiologic resolution within 3 months)."""
EARLY_DEATH_DAYS = 60.0
RECOVERED = frozenset({Phase.CLEARED, Phase.CURED})


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

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


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
    if isinstance(patients, bool) or not isinstance(patients, int) or not 1 <= patients <= 10**6:
        raise ValueError(f"patients must be a whole number between 1 and 1000000, not {patients!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {seed!r}")
    profile = get_profile(profile) if isinstance(profile, str) else profile
    history = plan_history(get_plan(plan) if isinstance(plan, str) else plan)
    params = params or Parameters()
    courses = []
    for member_seed in member_seeds(seed, patients):
        patient = profile.sample(member_seed)
        segments = schedule_for(patient, history, params)
        courses.append(run_course(patient, segments, RandomDraws.from_seed(member_seed), params))
    return _summarize(courses, seed, params)


def _summarize(courses: list[Course], seed: int, params: Parameters) -> CohortSummary:
    count = len(courses)

    def share(flags: list[bool]) -> float:
        return sum(flags) / count

    firsts = [course.first(Happening.IMPROVEMENT) for course in courses]
    first_relapses = [course.first(Happening.RELAPSE) for course in courses]
    relapsed = [relapse for relapse in first_relapses if relapse is not None]
    deaths = [course.death_time for course in courses]
    return CohortSummary(
        patients=count,
        seed=seed,
        improved_by_day_3=share([_by(first, 3.0) for first in firsts]),
        improved_by_day_10=share([_by(first, 10.0) for first in firsts]),
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
    )


def _by(occurrence: Occurrence | None, day: float) -> bool:
    return occurrence is not None and occurrence.time <= day


def _resolved_by(course: Course, day: float) -> bool:
    return any(
        occurrence.time <= day
        and occurrence.happening in (Happening.IMAGING_CLEARED, Happening.RESECTION_CURE)
        for occurrence in course.occurrences
    )
