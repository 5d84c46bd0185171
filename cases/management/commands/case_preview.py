"""Preview a plan on a case's patients: ``manage.py case_preview SLUG --plan-json FILE --json``.

Authors check what the debrief will make of a plan before learners meet it: the cohort's
outcomes under the plan and under the case's model plan, and the management and safety
shares the rubric gives it (means over the cohort), check by check.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases import scoring, services
from cases.cohorts import COHORT_PATIENTS, ArmOutcome, cohort_compare
from cases.content import CaseContent, case_snapshot
from cases.models import Case
from cases.simulation import Patient, Plan, PlanError, check_plan, plan_from_json

DEFAULT_SEED = 20240601


class Command(BaseCommand):
    help = "Score a plan (or the case's model plan) over a cohort of the case's patients."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="the case's slug")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--plan-json", type=Path, help="a file holding the plan JSON")
        which.add_argument("--model-plan", action="store_true", help="the case's own plan")
        parser.add_argument("--patients", type=int, default=COHORT_PATIENTS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(slug=options["slug"]).first()
        if case is None:
            raise CommandError(f"No case has the slug {options['slug']!r}.")
        if not 1 <= options["patients"] <= 10_000 or options["seed"] < 0:
            raise CommandError("--patients must be 1 to 10000 and --seed at least 0.")
        content = CaseContent(case_snapshot(case))
        patients = services.cohort_patients(
            content=content,
            seed=options["seed"],
            workup_days=content.case["target_workup_hours"] // 24,
            patients=options["patients"],
        )
        model_plan = content.model_plan(patients[0][0])
        plan = model_plan if options["model_plan"] else _read_plan(options["plan_json"])
        _check_for_everyone(plan, [patient for patient, _ in patients])
        comparison = cohort_compare(patients, plan, model_plan, services.engine_parameters(content))
        weights = [patient.ideal_body_weight_kg for patient, _ in patients]
        preview = scoring.plan_preview(content, plan, model_plan, weights, comparison)
        result = {
            "case": case.slug,
            "patients": comparison.patients,
            "seed": options["seed"],
            "plan": plan.to_dict(),
            "summary": _summary(comparison.yours),
            "model_plan_summary": _summary(comparison.model),
            "management": preview.management,
            "safety": preview.safety,
            "checks": preview.checks,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self._print(result)

    def _print(self, result: dict[str, Any]) -> None:
        self.stdout.write(f"{result['case']}: {result['patients']} patients, seed {result['seed']}")
        for name, value in result["summary"].items():
            model = result["model_plan_summary"][name]
            self.stdout.write(f"  {name:24} {value:>8}   model plan {model}")
        self.stdout.write(f"management {result['management']:.3f}  safety {result['safety']:.3f}")
        for check in result["checks"]:
            score = "not due" if check["score"] is None else f"{check['score']:.2f}"
            self.stdout.write(f"  [{check['competency']}] {check['label']}: {score}")
            self.stdout.write(f"      {check['note']}")


def _read_plan(path: Path) -> Plan:
    """The plan in the file, or a CommandError (non-zero exit) saying why it is refused."""
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno})."
        ) from None
    try:
        return plan_from_json(data)
    except PlanError as error:
        raise CommandError(f"The plan is refused. {error}") from None


def _check_for_everyone(plan: Plan, patients: list[Patient]) -> None:
    """Per-kilogram limits depend on the patient: refuse a plan that passes one for anyone."""
    for patient in patients:
        try:
            check_plan(plan, patient)
        except PlanError as error:
            weight = patient.ideal_body_weight_kg
            raise CommandError(
                f"The plan is refused for a patient of ideal body weight {weight:.1f} kg. {error}"
            ) from None


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
