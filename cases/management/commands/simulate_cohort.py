"""Summarise a simulated cohort under a plan.

``manage.py simulate_cohort --profile P (--plan NAME | --plan-json FILE) [--patients N]
[--seed S] [--json]``: a refused plan (bad JSON, a limit passed for any patient of the cohort)
exits non-zero with the refusal sentence and simulates nothing.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.simulation import (
    PLANS,
    PROFILES,
    Patient,
    Plan,
    PlanError,
    check_plan,
    get_plan,
    get_profile,
    member_seeds,
    plan_from_json,
    simulate_cohort,
)

DEFAULT_PATIENTS = 10_000
DEFAULT_SEED = 20240601


class Command(BaseCommand):
    help = "Simulate a cohort of a built-in profile under a plan and print its outcome fractions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--profile", help=f"one of: {', '.join(PROFILES)}")
        plan = parser.add_mutually_exclusive_group()
        plan.add_argument("--plan", help=f"a built-in plan, one of: {', '.join(PLANS)}")
        plan.add_argument("--plan-json", help="a file holding a plan in the v2 JSON shape")
        parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--list", action="store_true", help="list built-in names")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if not options["profile"] or not (options["plan"] or options["plan_json"]):
            raise CommandError("--profile and one of --plan or --plan-json are required")
        try:
            profile = get_profile(options["profile"])
            seeds = member_seeds(options["seed"], _count(options["patients"]))
            members = [profile.sample(seed) for seed in seeds]
            plan = (
                _read_plan(Path(options["plan_json"]), members)
                if options["plan_json"]
                else get_plan(options["plan"])
            )
            summary = simulate_cohort(members, plan, options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.to_dict()))
            return
        for name, value in summary.to_dict().items():
            self.stdout.write(f"{name:34} {value}")

    def _list(self) -> None:
        self.stdout.write("profiles:")
        for profile in PROFILES.values():
            self.stdout.write(f"  {profile.name:34} {profile.description}")
        self.stdout.write("plans:")
        for plan in PLANS.values():
            self.stdout.write(f"  {plan.name}")


def _count(patients: int) -> int:
    if not 1 <= patients <= 10**6:
        raise ValueError(f"patients must be a whole number between 1 and 1000000, not {patients}")
    return patients


def _read_plan(path: Path, members: list[Patient]) -> Plan:
    """The plan in ``path``, checked against every member's limits (ideal body weight)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read the plan file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"the plan file {path} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}"
        ) from None
    plan = plan_from_json(data)
    for number, patient in enumerate(members, start=1):
        try:
            check_plan(plan, patient)
        except PlanError as error:
            raise ValueError(
                f"for patient {number} of the cohort (ideal body weight "
                f"{patient.ideal_body_weight_kg:.1f} kg): {error}"
            ) from None
    return plan
