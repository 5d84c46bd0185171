"""Summarise a simulated cohort under a plan.

``manage.py simulate_cohort (--profile P | --case SLUG) (--plan NAME | --plan-json FILE)
[--patients N] [--seed S] [--json]``: ``--case`` draws the patients of a published case with the
sampler its debrief and ``case_preview`` use (``services.cohort_patients``: the seed's own
patient first, each treated after the case's target work-up time, each run with the seed it
was drawn with), so the figures match the preview's cohort. A refused plan (bad JSON, a limit
passed for any patient of the cohort), an unknown or unpublished case, exits non-zero with the
refusal sentence and simulates nothing.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases import services
from cases.content import CaseContent, case_snapshot
from cases.models import Case
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
        patients = parser.add_mutually_exclusive_group()
        patients.add_argument("--profile", help=f"one of: {', '.join(PROFILES)}")
        patients.add_argument("--case", help="the slug of a published case, to draw its patients")
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
        if not (options["profile"] or options["case"]) or not (
            options["plan"] or options["plan_json"]
        ):
            raise CommandError(
                "one of --profile or --case, and one of --plan or --plan-json, are required"
            )
        try:
            count, seed = _count(options["patients"]), options["seed"]
            if options["case"]:
                members, seeds = _case_members(options["case"], count, seed)
            else:
                profile = get_profile(options["profile"])
                seeds = member_seeds(seed, count)
                members = [profile.sample(member_seed) for member_seed in seeds]
            plan = (
                _read_plan(Path(options["plan_json"]), members)
                if options["plan_json"]
                else get_plan(options["plan"])
            )
            summary = simulate_cohort(members, plan, seed, seeds=seeds)
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


def _case_members(slug: str, count: int, seed: int) -> tuple[list[Patient], list[int]]:
    """The patients of the published case ``slug`` and the seed each was drawn with."""
    case = Case.objects.filter(slug=slug).first()
    if case is None:
        raise ValueError(f"no case has the slug {slug!r}")
    if case.status != Case.Status.PUBLISHED:
        raise ValueError(
            f"the case {slug!r} is a draft: only a published case's patients are sampled "
            "(publish it, or preview the draft with case_preview)"
        )
    version = case.versions.filter(number=case.version).first()
    content = CaseContent(version.snapshot if version is not None else case_snapshot(case))
    if seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {seed}")
    pairs = services.cohort_patients(
        content=content,
        seed=seed,
        workup_days=content.case["target_workup_hours"] // 24,
        patients=count,
    )
    return [patient for patient, _ in pairs], [member_seed for _, member_seed in pairs]


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
