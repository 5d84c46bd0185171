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
FULMINANT_RANGES = {
    **TYPICAL_RANGES,
    "fvc_pct": (35.0, 60.0),
    "fev1_pct": (40.0, 65.0),
    "dlco_pct": (25.0, 45.0),
    "spo2_pct": (78.0, 88.0),
    "pao2_mmhg": (45.0, 60.0),
    "crp_mg_dl": (10.0, 30.0),
    "days_since_onset": (5.0, 21.0),
}
PNEUMONIA_RANGES = {
    **TYPICAL_RANGES,
    "crp_mg_dl": (8.0, 30.0),
    "leukocytes_per_ul": (11000.0, 22000.0),
    "days_since_onset": (2.0, 10.0),
}
EOSINOPHILIC_RANGES = {**TYPICAL_RANGES, "eosinophils_per_ul": (1000.0, 4000.0)}
SLOW_RANGES = {**TYPICAL_RANGES, "days_since_onset": (30.0, 55.0)}
"""Mimics that grow over weeks (tumours), within the 2-month window of the typical profile."""
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
    male_share: float = MALE_SHARE
    """Share of men; 0 for a disease of women only (OP after radiotherapy for breast cancer)."""

    def sample(self, seed: int) -> Patient:
        rng = np.random.default_rng([PROFILE_STREAM, seed])
        uniforms = iter(rng.random(3 + len(self.ranges)).tolist())
        sex = Sex.MALE if next(uniforms) < self.male_share else Sex.FEMALE
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
            "As typical-cop, with GGT > 124 and ALP > 190 IU/L (NEJM, SUM-MX factor).",
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
            FULMINANT_RANGES,
        ),
        Profile(
            "focal-op",
            "A solitary lesion, often found by chance; resection is usually curative (NEJM).",
            Disease.FOCAL_OP,
            MILD_RANGES,
            extent=Extent.FOCAL,
            patterns=((ImagingPattern.NODULAR, 1.0),),
        ),
        Profile(
            "cicatricial-op",
            "OP with dense fibrosis in the airspaces and linear bands; more recalcitrant (NEJM).",
            Disease.CICATRICIAL_OP,
            TYPICAL_RANGES,
            patterns=((ImagingPattern.RETICULAR, 1.0),),
        ),
        Profile(
            "secondary-op",
            "Secondary OP in connective-tissue disease (NEJM Table 1).",
            Disease.SECONDARY_OP,
            TYPICAL_RANGES,
            secondary_cause=SecondaryCause.CONNECTIVE_TISSUE_DISEASE,
        ),
        Profile(
            "drug-induced-op",
            "Secondary OP whose cause is a drug still being taken (amiodarone, nitrofurantoin, "
            "methotrexate; NEJM Table 1).",
            Disease.SECONDARY_OP,
            TYPICAL_RANGES,
            secondary_cause=SecondaryCause.DRUG,
        ),
        Profile(
            "radiation-op",
            "Secondary OP after radiotherapy for breast cancer (NEJM Table 1, GARD), in women; "
            "the radiotherapy is over, so there is no cause left to remove.",
            Disease.SECONDARY_OP,
            TYPICAL_RANGES,
            secondary_cause=SecondaryCause.RADIATION,
            male_share=0.0,
        ),
        Profile(
            "community-acquired-pneumonia",
            "A bacterial pneumonia presenting like OP: the main mimic (NEJM).",
            Disease.COMMUNITY_ACQUIRED_PNEUMONIA,
            PNEUMONIA_RANGES,
        ),
        Profile(
            "chronic-eosinophilic-pneumonia",
            "Peripheral opacities with blood eosinophilia (NEJM differential).",
            Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA,
            EOSINOPHILIC_RANGES,
        ),
        Profile(
            "hypersensitivity-pneumonitis",
            "Opacities from an inhaled exposure that continues (NEJM differential).",
            Disease.HYPERSENSITIVITY_PNEUMONITIS,
            TYPICAL_RANGES,
            patterns=((ImagingPattern.GROUND_GLASS, 1.0),),
        ),
        Profile(
            "invasive-mucinous-adenocarcinoma",
            "Multifocal consolidation with air bronchograms that is a cancer (NEJM differential).",
            Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA,
            SLOW_RANGES,
        ),
        Profile(
            "lymphoma",
            "Pulmonary lymphoma with patchy consolidation (NEJM differential).",
            Disease.LYMPHOMA,
            SLOW_RANGES,
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


def prednisone_scaled(dose: float, unit: DoseUnit = DoseUnit.MG_PER_KG_PER_DAY) -> Order:
    """The standard course's shape started at ``dose``: every step scaled by dose / 0.75."""
    scale = dose / 0.75
    taper = tuple(TaperStep(round(step.dose * scale, 4), step.days) for step in STANDARD_TAPER)
    return Order("prednisone", dose, unit, 0, 28, taper=taper)


def prednisone_course(steps: tuple[tuple[float, int], ...], start_day: int = 0) -> Order:
    """Prednisone in mg/kg/day: the first (dose, days) pair at full dose, the rest a taper."""
    (dose, days), *rest = steps
    taper = tuple(TaperStep(step_dose, step_days) for step_dose, step_days in rest)
    return Order("prednisone", dose, DoseUnit.MG_PER_KG_PER_DAY, start_day, days, taper=taper)


AZATHIOPRINE_FROM_DAY_0 = (
    Order("azathioprine", 50.0, DoseUnit.MG_PER_DAY, 0, 14),
    Order("azathioprine", 1.5, DoseUnit.MG_PER_KG_PER_DAY, 14, 168),
)
"""NEJM: start at 50 mg/day and raise over 2-4 weeks; 1.5 mg/kg/day to six months."""


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
        Plan((prednisone_scaled(0.25),), FULL_ADJUNCTS, "prednisone-0.25-mg-kg"),
        Plan((prednisone_scaled(0.5),), FULL_ADJUNCTS, "prednisone-0.5-mg-kg"),
        Plan((prednisone_scaled(1.0),), FULL_ADJUNCTS, "prednisone-1-mg-kg"),
        Plan((prednisone_scaled(5.0, DoseUnit.MG_PER_DAY),), FULL_ADJUNCTS, "prednisone-5-mg"),
        Plan((prednisone_scaled(10.0, DoseUnit.MG_PER_DAY),), FULL_ADJUNCTS, "prednisone-10-mg"),
        Plan(
            (prednisone_course(((0.75, 28), (0.5, 28), (0.25, 35))),),
            FULL_ADJUNCTS,
            "prednisone-3-months",
        ),
        Plan(
            (prednisone_course(((0.75, 28), (0.5, 28), (0.25, 70), (0.125, 56))),),
            FULL_ADJUNCTS,
            "prednisone-6-months",
        ),
        Plan(
            (prednisone_course(((0.75, 28), (0.5, 28), (0.25, 126), (0.125, 182), (0.0625, 183))),),
            FULL_ADJUNCTS,
            "prednisone-18-months",
        ),
        Plan(
            (prednisone_course(((1.0, 365),)),),
            FULL_ADJUNCTS,
            "prednisone-1-mg-kg-year-abrupt-stop",
        ),
        Plan(
            (prednisone_course(((0.75, 42),)),),
            FULL_ADJUNCTS,
            "prednisone-6-weeks-abrupt-stop",
        ),
        Plan(
            (prednisone_course(((0.75, 42), (0.5, 14), (0.25, 28), (0.125, 28), (0.0625, 28))),),
            FULL_ADJUNCTS,
            "prednisone-6-weeks-tapered",
        ),
        Plan(
            (Order("prednisone", 8.0, DoseUnit.MG_PER_DAY, 0, 365),),
            FULL_ADJUNCTS,
            "prednisone-8-mg-year",
        ),
        Plan(
            (
                Order(
                    "prednisone",
                    20.0,
                    DoseUnit.MG_PER_DAY,
                    0,
                    28,
                    (TaperStep(10.0, 28), TaperStep(5.0, 28)),
                ),
            ),
            FULL_ADJUNCTS,
            "relapse-prednisone-20-mg",
        ),
        Plan(
            (prednisone_course(((0.5, 28), (0.25, 28), (0.125, 28))),),
            FULL_ADJUNCTS,
            "relapse-prednisone-0.5-mg-kg",
        ),
        Plan(
            (prednisone_standard(), *AZATHIOPRINE_FROM_DAY_0),
            FULL_ADJUNCTS,
            "prednisone-standard-with-azathioprine",
        ),
        Plan(
            (
                prednisone_standard(),
                Order("cyclophosphamide", 1.5, DoseUnit.MG_PER_KG_PER_DAY, 0, 182),
            ),
            FULL_ADJUNCTS,
            "prednisone-standard-with-cyclophosphamide",
        ),
        Plan((Order("antibiotics", start_day=0, duration_days=7),), name="antibiotics"),
        Plan(
            (prednisone_standard(), Order("stop_culprit")),
            FULL_ADJUNCTS,
            "prednisone-standard-and-stop-drug",
        ),
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
