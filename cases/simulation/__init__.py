"""Seeded, calibrated outcome engine for organizing-pneumonia virtual patients.

Pure Python and NumPy: nothing here imports Django, so the engine runs in scripts, tests and
benchmarks without settings. See docs/engine.md for the model and its sources.
"""

from .agents import AGENTS, Action, Agent, DoseRange, DoseUnit, get_agent
from .builtins import PLANS, PROFILES, Profile, get_plan, get_profile
from .cohort import (
    CohortSummary,
    PatientOutcome,
    member_seeds,
    patient_outcome,
    simulate_cohort,
    summarize_cohort,
)
from .narrative import EventKind
from .parameters import Parameters
from .patient import (
    FINDINGS,
    Disease,
    Extent,
    Finding,
    ImagingPattern,
    Patient,
    SecondaryCause,
    Sex,
    ideal_body_weight_kg,
)
from .plan import HORIZON_DAYS, Adjuncts, Order, Plan, PlanRevision, TaperStep
from .plan_json import PlanError, PlanProblem, check_plan, plan_from_json, plan_to_json
from .recommend import recommended_plan
from .sources import CITATIONS, Source
from .timeline import DailySeries, Event, Timeline, revise, simulate

__all__ = [
    "AGENTS",
    "CITATIONS",
    "FINDINGS",
    "HORIZON_DAYS",
    "PLANS",
    "PROFILES",
    "Action",
    "Adjuncts",
    "Agent",
    "CohortSummary",
    "DailySeries",
    "Disease",
    "DoseRange",
    "DoseUnit",
    "Event",
    "EventKind",
    "Extent",
    "Finding",
    "ImagingPattern",
    "Order",
    "Parameters",
    "Patient",
    "PatientOutcome",
    "Plan",
    "PlanError",
    "PlanProblem",
    "PlanRevision",
    "Profile",
    "SecondaryCause",
    "Sex",
    "Source",
    "TaperStep",
    "Timeline",
    "check_plan",
    "get_agent",
    "get_plan",
    "get_profile",
    "ideal_body_weight_kg",
    "member_seeds",
    "patient_outcome",
    "plan_from_json",
    "plan_to_json",
    "recommended_plan",
    "revise",
    "simulate",
    "simulate_cohort",
    "summarize_cohort",
]
