"""The plan an expert would choose for the patient's *true* disease: one row per disease.

The engine's recommendation is only the default model plan of a new case; a case stores its own.
Sources: NEJM (steroids, pulses, resection), SUM-MX (clarithromycin), SUM-DX (causes).
"""

from __future__ import annotations

from collections.abc import Callable

from .agents import DoseUnit
from .builtins import FULL_ADJUNCTS, PLANS, prednisone_standard
from .patient import Disease, Extent, Patient, SecondaryCause
from .plan import Order, Plan

ANTIBIOTIC_COURSE_DAYS = 7
"""A usual short course for pneumonia; the sources give no duration."""
CTD_MYCOPHENOLATE_MG = 2000.0
CTD_TREATMENT_DAYS = 365


def _antibiotics() -> Order:
    return Order("antibiotics", start_day=0, duration_days=ANTIBIOTIC_COURSE_DAYS)


def _with_cause_removal(order: Order, name: str) -> Plan:
    return Plan((prednisone_standard(), order), FULL_ADJUNCTS, name)


RESECTION = Plan((Order("surgical_resection"),), name="resection")
CANCER_REFERRAL = Plan((Order("observation"),), name="refer-for-cancer-care")
"""Cancer care is outside this catalog; the expert move is to stop treating it as OP."""

CAUSE_PLANS: dict[SecondaryCause, Plan] = {
    SecondaryCause.DRUG: _with_cause_removal(Order("stop_culprit"), "prednisone-and-stop-drug"),
    SecondaryCause.INFECTION: _with_cause_removal(_antibiotics(), "prednisone-and-antibiotics"),
    SecondaryCause.CONNECTIVE_TISSUE_DISEASE: _with_cause_removal(
        Order("mycophenolate", CTD_MYCOPHENOLATE_MG, DoseUnit.MG_PER_DAY, 0, CTD_TREATMENT_DAYS),
        "prednisone-and-mycophenolate",
    ),
    SecondaryCause.RADIATION: PLANS["prednisone-standard"],
}
"""The radiotherapy behind a radiation OP is already over: nothing to stop, steroids alone."""


def _mild_cop(patient: Patient) -> Plan:
    return PLANS["clarithromycin" if patient.meets_mild_criteria else "prednisone-standard"]


def _secondary_op(patient: Patient) -> Plan:
    if patient.secondary_cause is None:
        raise ValueError("a secondary organizing pneumonia needs its cause to be treated")
    return CAUSE_PLANS[patient.secondary_cause]


def _adenocarcinoma(patient: Patient) -> Plan:
    return RESECTION if patient.extent is Extent.FOCAL else CANCER_REFERRAL


RECOMMENDATIONS: dict[Disease, Callable[[Patient], Plan]] = {
    Disease.TYPICAL_COP: lambda patient: PLANS["prednisone-standard"],
    Disease.MILD_COP: _mild_cop,
    Disease.FULMINANT_OP: lambda patient: PLANS["methylprednisolone-pulse"],
    Disease.FOCAL_OP: lambda patient: RESECTION,
    Disease.CICATRICIAL_OP: lambda patient: PLANS["prednisone-standard"],
    Disease.SECONDARY_OP: _secondary_op,
    Disease.COMMUNITY_ACQUIRED_PNEUMONIA: lambda patient: Plan(
        (_antibiotics(),), name="antibiotics"
    ),
    Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA: lambda patient: PLANS["prednisone-standard"],
    Disease.HYPERSENSITIVITY_PNEUMONITIS: lambda patient: _with_cause_removal(
        Order("stop_culprit"), "prednisone-and-avoid-exposure"
    ),
    Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA: _adenocarcinoma,
    Disease.LYMPHOMA: lambda patient: CANCER_REFERRAL,
}


def recommended_plan(patient: Patient) -> Plan:
    """The expert plan for the patient's true disease; a disease without a row raises."""
    try:
        recommend = RECOMMENDATIONS[patient.disease]
    except KeyError:
        raise ValueError(
            f"no recommended plan is defined for disease {patient.disease!r}"
        ) from None
    return recommend(patient)
