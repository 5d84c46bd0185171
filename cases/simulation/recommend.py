"""The plan an expert would choose for the patient's *true* disease, for the debrief."""

from __future__ import annotations

from .agents import DoseUnit
from .builtins import FULL_ADJUNCTS, PLANS, prednisone_standard
from .patient import Disease, Extent, Patient, SecondaryCause
from .plan import Order, Plan

ANTIBIOTIC_COURSE_DAYS = 7
"""A usual short course for pneumonia; the sources give no duration."""
CTD_MYCOPHENOLATE_MG = 2000.0
CTD_TREATMENT_DAYS = 365


def recommended_plan(patient: Patient) -> Plan:
    """Sources: NEJM (steroids, pulses, resection), SUM-MX (clarithromycin), SUM-DX (causes)."""
    disease = patient.disease
    if disease is Disease.FULMINANT_OP:
        return PLANS["methylprednisolone-pulse"]
    if disease is Disease.MILD_COP and patient.meets_mild_criteria:
        return PLANS["clarithromycin"]
    if disease is Disease.FOCAL_OP or (
        disease is Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA and patient.extent is Extent.FOCAL
    ):
        return Plan((Order("surgical_resection"),), name="resection")
    if disease is Disease.COMMUNITY_ACQUIRED_PNEUMONIA:
        return Plan((_antibiotics(),), name="antibiotics")
    if disease in (Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA, Disease.LYMPHOMA):
        # Cancer care is outside this catalog; the expert move is to stop treating it as OP.
        return Plan((Order("observation"),), name="refer-for-cancer-care")
    if disease is Disease.HYPERSENSITIVITY_PNEUMONITIS:
        return _with_cause_removal(Order("stop_culprit"), "prednisone-and-avoid-exposure")
    if disease is Disease.SECONDARY_OP:
        return _secondary_op_plan(patient.secondary_cause)
    return PLANS["prednisone-standard"]


def _secondary_op_plan(cause: SecondaryCause | None) -> Plan:
    if cause is SecondaryCause.DRUG:
        return _with_cause_removal(Order("stop_culprit"), "prednisone-and-stop-drug")
    if cause is SecondaryCause.INFECTION:
        return _with_cause_removal(_antibiotics(), "prednisone-and-antibiotics")
    ctd_treatment = Order(
        "mycophenolate", CTD_MYCOPHENOLATE_MG, DoseUnit.MG_PER_DAY, 0, CTD_TREATMENT_DAYS
    )
    return _with_cause_removal(ctd_treatment, "prednisone-and-mycophenolate")


def _with_cause_removal(order: Order, name: str) -> Plan:
    return Plan((prednisone_standard(), order), FULL_ADJUNCTS, name)


def _antibiotics() -> Order:
    return Order("antibiotics", start_day=0, duration_days=ANTIBIOTIC_COURSE_DAYS)
