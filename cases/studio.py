"""Reads for the authoring studio: what changed since the last version, and the simulation
preview that ``manage.py case_preview`` and the admin's preview page both show.

The simulation preview is the author's debugger: a cohort of this case's patients under a
plan and under the case's model plan, the rubric's management and safety shares for the plan,
check by check, and a few sample courses with their events, all from the draft as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases import scoring, selectors, services
from cases.cohorts import COHORT_PATIENTS, ArmOutcome, cohort_compare
from cases.content import CaseContent, case_snapshot
from cases.errors import AttemptError
from cases.models import Case, CaseVersion
from cases.simulation import Plan, PlanError, check_plan, plan_from_json, simulate

DEFAULT_SEED = 20240601
MAX_PREVIEW_PATIENTS = 10_000
SAMPLE_COURSES = 3


class PreviewRefused(AttemptError):
    """The preview cannot run: a plan the engine refuses, or a patient count out of range."""


@dataclass(frozen=True)
class SampleCourse:
    """One patient of the preview cohort under the plan: who, and what happened."""

    number: int
    patient: str
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class SimulationPreview:
    case: str
    patients: int
    seed: int
    plan: dict[str, Any]
    summary: dict[str, float]
    model_plan_summary: dict[str, float]
    management: float
    safety: float
    checks: list[dict[str, Any]]
    samples: list[SampleCourse]

    def to_dict(self) -> dict[str, Any]:
        """What ``case_preview --json`` prints (the sample courses are the page's own)."""
        return {
            "case": self.case,
            "patients": self.patients,
            "seed": self.seed,
            "plan": self.plan,
            "summary": self.summary,
            "model_plan_summary": self.model_plan_summary,
            "management": self.management,
            "safety": self.safety,
            "checks": self.checks,
        }

    def outcome_rows(self) -> list[tuple[str, float, float]]:
        """(statistic, under the plan, under the model plan), for the page's table."""
        return [
            (name.replace("_", " "), value, self.model_plan_summary[name])
            for name, value in self.summary.items()
        ]


def simulation_preview(
    *,
    case: Case,
    plan_data: dict[str, Any] | None = None,
    patients: int = COHORT_PATIENTS,
    seed: int = DEFAULT_SEED,
    samples: int = SAMPLE_COURSES,
) -> SimulationPreview:
    """``patients`` patients of the draft under ``plan_data`` (the model plan when None).

    Refused with a PreviewRefused naming the reason when the patient count is out of range
    or the plan is refused for any patient of the cohort (per-kilogram limits depend on the
    patient's ideal weight).
    """
    if not 1 <= patients <= MAX_PREVIEW_PATIENTS or seed < 0:
        raise PreviewRefused(
            f"Patients must be 1 to {MAX_PREVIEW_PATIENTS} and the seed at least 0."
        )
    content = CaseContent(case_snapshot(case))
    cohort = services.cohort_patients(
        content=content,
        seed=seed,
        workup_days=content.case["target_workup_hours"] // 24,
        patients=patients,
    )
    model_plan = content.model_plan(cohort[0][0])
    plan = model_plan if plan_data is None else _plan(plan_data)
    for patient, _ in cohort:
        try:
            check_plan(plan, patient)
        except PlanError as error:
            weight = patient.ideal_body_weight_kg
            raise PreviewRefused(
                f"The plan is refused for a patient of ideal body weight {weight:.1f} kg. {error}"
            ) from None
    params = services.engine_parameters(content)
    comparison = cohort_compare(cohort, plan, model_plan, params)
    weights = [patient.ideal_body_weight_kg for patient, _ in cohort]
    scored = scoring.plan_preview(content, plan, model_plan, weights, comparison)
    return SimulationPreview(
        case=case.slug,
        patients=comparison.patients,
        seed=seed,
        plan=plan.to_dict(),
        summary=_summary(comparison.yours),
        model_plan_summary=_summary(comparison.model),
        management=scored.management,
        safety=scored.safety,
        checks=scored.checks,
        samples=[
            SampleCourse(
                number,
                f"{patient.age}-year-old {patient.sex.value}, ideal weight "
                f"{patient.ideal_body_weight_kg:.1f} kg",
                selectors.event_rows(simulate(patient, plan, member, params).events),
            )
            for number, (patient, member) in enumerate(cohort[:samples], start=1)
        ],
    )


def _plan(data: dict[str, Any]) -> Plan:
    try:
        return plan_from_json(data)
    except PlanError as error:
        raise PreviewRefused(f"The plan is refused. {error}") from None


def _summary(arm: ArmOutcome) -> dict[str, float]:
    """The arm's outcomes as shares of the cohort, and its mean days with active disease."""
    return {
        "relapse_5y": round(arm.share("relapsed"), 3),
        "death_5y": round(arm.share("died"), 3),
        "any_steroid_harm": round(arm.share("steroid_harm"), 3),
        "persistent_disease_1y": round(arm.share("persistent_1y"), 3),
        "relapse_or_persistent": round(arm.share("unsettled"), 3),
        "mean_active_disease_days": arm.active_days,
        "serious_adverse_event": round(arm.share("serious_adverse"), 3),
        "still_ill_day_10": round(arm.share("ill_day_10"), 3),
    }


# --- unpublished changes -------------------------------------------------------------------------

SECTION_LABELS = {
    "case": "Presentation, patient and debrief",
    "history": "History",
    "exam": "Examination",
    "investigations": "Results",
    "questions": "Interpretation questions",
    "diagnoses": "Diagnoses",
    "therapies": "Therapies",
    "management_rules": "Management rules",
    "parameters": "Engine parameters",
    "model_plan": "Model plan",
    "references": "References",
}


@dataclass(frozen=True)
class Changes:
    """The case's current content against its latest published version."""

    version: int | None
    lines: list[str]


def latest_version(case: Case) -> CaseVersion | None:
    return case.versions.released().order_by("-number").first()


def changes_since_version(case: Case) -> Changes:
    """What differs between the content as it stands and the latest frozen version, in
    sentences by section (``Results: 1 added, 2 changed``); no version means no lines."""
    version = latest_version(case)
    if version is None:
        return Changes(None, [])
    current: dict[str, Any] = dict(case_snapshot(case))
    frozen: dict[str, Any] = version.snapshot
    lines = []
    for key, label in SECTION_LABELS.items():
        now, then = current.get(key), frozen.get(key)
        if now == then:
            continue
        if isinstance(now, dict) and isinstance(then, dict) and key == "case":
            names = [name for name in now if now.get(name) != then.get(name)]
            lines.append(f"{label}: {', '.join(name.replace('_', ' ') for name in names)}.")
        elif isinstance(now, list) and isinstance(then, list):
            lines.append(f"{label}: {_list_change(now, then)}.")
        else:
            lines.append(f"{label}: changed.")
    return Changes(version.number, lines)


def _list_change(now: list[Any], then: list[Any]) -> str:
    """Rows added, removed and changed, matching rows by their key (or their position)."""

    def keyed(rows: list[Any]) -> dict[Any, Any]:
        return {
            (row.get("key") or row.get("system") or row.get("kind") or row.get("source"), index)
            if not row.get("key")
            else row["key"]: row
            for index, row in enumerate(rows)
        }

    old, new = keyed(then), keyed(now)
    added = len(new.keys() - old.keys())
    removed = len(old.keys() - new.keys())
    changed = sum(1 for key in new.keys() & old.keys() if new[key] != old[key])
    parts = [
        f"{count} {word}"
        for count, word in ((added, "added"), (removed, "removed"), (changed, "changed"))
        if count
    ]
    return ", ".join(parts) or "reordered"
