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

from cases import studio
from cases.cohorts import COHORT_PATIENTS
from cases.models import Case


class Command(BaseCommand):
    help = "Score a plan (or the case's model plan) over a cohort of the case's patients."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="the case's slug")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--plan-json", type=Path, help="a file holding the plan JSON")
        which.add_argument("--model-plan", action="store_true", help="the case's own plan")
        parser.add_argument("--patients", type=int, default=COHORT_PATIENTS)
        parser.add_argument("--seed", type=int, default=studio.DEFAULT_SEED)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(slug=options["slug"]).first()
        if case is None:
            raise CommandError(f"No case has the slug {options['slug']!r}.")
        plan_data = None if options["model_plan"] else _read_plan(options["plan_json"])
        try:
            preview = studio.simulation_preview(
                case=case,
                plan_data=plan_data,
                patients=options["patients"],
                seed=options["seed"],
                samples=0,
            )
        except studio.PreviewRefused as error:
            raise CommandError(str(error)) from None
        result = preview.to_dict()
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


def _read_plan(path: Path) -> Any:
    """The file's JSON, or a CommandError (non-zero exit) saying why it cannot be read."""
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno})."
        ) from None
