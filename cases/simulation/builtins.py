"""Built-in patient profiles (distributions) and treatment plans, looked up by name.

Profiles draw a varied patient from a seed so that cohorts show the spread of a real clinic.
Ranges follow the digest where it gives one (age 50-60 on average, 52 % men, typical
laboratory and physiology findings); the rest are plausible spreads chosen for teaching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .agents import DoseUnit
from .patient import (
    Disease,
    Extent,
    ImagingPattern,
    Patient,
    SecondaryCause,
    Sex,
    ideal_body_weight_kg,
)
from .plan import Adjuncts, Order, Plan, TaperStep

PROFILE_STREAM = 0x5EED
"""Mixed into a seed so that patient features and hazard clocks use separate streams."""
MALE_SHARE = 0.52  # NEJM: 52 % of patients are men.
HEIGHT_CM = {Sex.MALE: (165.0, 188.0), Sex.FEMALE: (152.0, 175.0)}

TYPICAL_RANGES: dict[str, tuple[float, float]] = {
    "age": (45.0, 75.0),
    "excess_weight_kg": (-5.0, 30.0),
    "fvc_pct": (55.0, 79.0),
    "fev1_pct": (60.0, 85.0),
    "dlco_pct": (50.0, 75.0),
    "spo2_pct": (89.0, 95.0),
    "pao2_mmhg": (62.0, 85.0),
    "crp_mg_dl": (2.0, 15.0),
    "esr_mm_h": (30.0, 90.0),
    "leukocytes_per_ul": (7000.0, 14000.0),
    "eosinophils_per_ul": (50.0, 400.0),
    "ggt_iu_l": (15.0, 100.0),
    "alp_iu_l": (50.0, 150.0),
    "bal_lymphocytes_pct": (10.0, 40.0),
    "days_since_onset": (14.0, 55.0),
}
MILD_RANGES = {
    **TYPICAL_RANGES,
    "fvc_pct": (81.0, 100.0),
    "fev1_pct": (71.0, 95.0),
    "dlco_pct": (55.0, 85.0),
    "spo2_pct": (94.0, 98.0),
    "pao2_mmhg": (72.0, 95.0),
    "crp_mg_dl": (1.0, 10.0),
}
AIRSPACE_MIX = (
    (ImagingPattern.CONSOLIDATION, 0.8),
    (ImagingPattern.GROUND_GLASS, 0.12),
    (ImagingPattern.NODULAR, 0.08),
)


@dataclass(frozen=True)
class Profile:
    """A kind of patient; :meth:`sample` draws one member from a seed."""

    name: str
    description: str
    disease: Disease
    ranges: Mapping[str, tuple[float, float]]
    extent: Extent = Extent.MULTIFOCAL
    patterns: tuple[tuple[ImagingPattern, float], ...] = AIRSPACE_MIX
    secondary_cause: SecondaryCause | None = None

    def sample(self, seed: int) -> Patient:
        rng = np.random.default_rng([PROFILE_STREAM, seed])
        uniforms = iter(rng.random(3 + len(self.ranges)).tolist())
        sex = Sex.MALE if next(uniforms) < MALE_SHARE else Sex.FEMALE
        height = _between(next(uniforms), HEIGHT_CM[sex])
        pattern = _weighted_choice(next(uniforms), self.patterns)
        values = {name: _between(next(uniforms), bounds) for name, bounds in self.ranges.items()}
        weight = ideal_body_weight_kg(height, sex) + values.pop("excess_weight_kg")
        return Patient(
            age=int(values.pop("age")),
            sex=sex,
            height_cm=round(height, 1),
            weight_kg=round(weight, 1),
            disease=self.disease,
            extent=self.extent,
            imaging_pattern=pattern,
            days_since_onset=int(values.pop("days_since_onset")),
            secondary_cause=self.secondary_cause,
            **{name: round(value, 2) for name, value in values.items()},  # type: ignore[arg-type]
        )


def _between(uniform: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return low + (high - low) * uniform


def _weighted_choice(
    uniform: float, options: tuple[tuple[ImagingPattern, float], ...]
) -> ImagingPattern:
    total = sum(weight for _, weight in options)
    threshold = uniform * total
    for option, weight in options:
        threshold -= weight
        if threshold < 0:
            return option
    return options[-1][0]


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            "typical-cop",
            "Multifocal consolidation with cough and breathlessness for weeks; treated within "
            "2 months of onset and without the named relapse risk factors except severity.",
            Disease.TYPICAL_COP,
            TYPICAL_RANGES,
        ),
        Profile(
            "typical-cop-delayed",
            "As typical-cop, but treatment starts more than 2 months after onset (NEJM factor).",
            Disease.TYPICAL_COP,
            {**TYPICAL_RANGES, "days_since_onset": (70.0, 160.0)},
        ),
        Profile(
            "typical-cop-cholestasis",
            "As typical-cop, with GGT > 124 or ALP > 190 IU/L (NEJM, SUM-MX factor).",
            Disease.TYPICAL_COP,
            {**TYPICAL_RANGES, "ggt_iu_l": (130.0, 300.0), "alp_iu_l": (195.0, 320.0)},
        ),
        Profile(
            "typical-cop-low-dlco",
            "As typical-cop, with DLCO under 50 % predicted (NEJM factor).",
            Disease.TYPICAL_COP,
            {**TYPICAL_RANGES, "dlco_pct": (30.0, 49.0)},
        ),
        Profile(
            "mild-cop",
            "Mild COP: FVC > 80 %, FEV1 > 70 %, no respiratory insufficiency (SUM-MX).",
            Disease.MILD_COP,
            MILD_RANGES,
        ),
        Profile(
            "mild-cop-low-crp",
            "Mild COP with CRP <= 3.79 mg/dL and BAL lymphocytes > 21 % (SUM-MX markers).",
            Disease.MILD_COP,
            {**MILD_RANGES, "crp_mg_dl": (0.5, 3.79), "bal_lymphocytes_pct": (22.0, 45.0)},
        ),
        Profile(
            "fulminant-op",
            "Rapidly progressive OP needing high-flow oxygen (NEJM).",
            Disease.FULMINANT_OP,
            {
                **TYPICAL_RANGES,
                "fvc_pct": (35.0, 60.0),
                "fev1_pct": (40.0, 65.0),
                "dlco_pct": (25.0, 45.0),
                "spo2_pct": (78.0, 88.0),
                "pao2_mmhg": (45.0, 60.0),
                "crp_mg_dl": (10.0, 30.0),
                "days_since_onset": (5.0, 21.0),
            },
        ),
    )
}

FULL_ADJUNCTS = Adjuncts(
    pneumocystis_prophylaxis=True,
    bone_protection=True,
    glucose_monitoring=True,
    blood_pressure_monitoring=True,
)
STANDARD_TAPER = (
    TaperStep(0.5, 28),
    TaperStep(0.25, 126),
    TaperStep(0.125, 91),
    TaperStep(0.0625, 92),
)
"""0.75 mg/kg for 4 weeks, then down to 0.25 mg/kg to complete 6 months, off at 12 (NEJM)."""


def prednisone_standard(start_day: int = 0) -> Order:
    return Order(
        "prednisone", 0.75, DoseUnit.MG_PER_KG_PER_DAY, start_day, 28, taper=STANDARD_TAPER
    )


PLANS: dict[str, Plan] = {
    plan.name: plan
    for plan in (
        Plan((prednisone_standard(),), FULL_ADJUNCTS, "prednisone-standard"),
        Plan(
            (
                Order(
                    "prednisone",
                    0.75,
                    DoseUnit.MG_PER_KG_PER_DAY,
                    0,
                    28,
                    taper=(TaperStep(0.5, 14), TaperStep(0.25, 14)),
                ),
            ),
            FULL_ADJUNCTS,
            "prednisone-short",
        ),
        Plan(
            (prednisone_standard(),),
            Adjuncts(bone_protection=True, glucose_monitoring=True, blood_pressure_monitoring=True),
            "prednisone-standard-no-pjp",
        ),
        Plan((Order("clarithromycin", 1000.0, DoseUnit.MG_PER_DAY, 0, 91),), name="clarithromycin"),
        Plan((Order("observation"),), name="observation"),
        Plan(
            (
                Order("methylprednisolone_pulse", 1000.0, DoseUnit.MG_PER_DAY, 0, 3),
                prednisone_standard(start_day=3),
            ),
            FULL_ADJUNCTS,
            "methylprednisolone-pulse",
        ),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"profile must be one of {sorted(PROFILES)}, not {name!r}") from None


def get_plan(name: str) -> Plan:
    try:
        return PLANS[name]
    except KeyError:
        raise ValueError(f"plan must be one of {sorted(PLANS)}, not {name!r}") from None
