"""Summarise a simulated cohort: ``manage.py simulate_cohort --profile P --plan Q --json``."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.simulation import PLANS, PROFILES, summarize_cohort

DEFAULT_PATIENTS = 10_000
DEFAULT_SEED = 20240601


class Command(BaseCommand):
    help = "Simulate a cohort of a built-in profile under a built-in plan and print fractions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--profile", help=f"one of: {', '.join(PROFILES)}")
        parser.add_argument("--plan", help=f"one of: {', '.join(PLANS)}")
        parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--list", action="store_true", help="list built-in names")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if not options["profile"] or not options["plan"]:
            raise CommandError("--profile and --plan are required (or use --list)")
        try:
            summary = summarize_cohort(
                options["profile"], options["plan"], options["patients"], options["seed"]
            )
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
            self.stdout.write(f"  {profile.name:26} {profile.description}")
        self.stdout.write("plans:")
        for plan in PLANS.values():
            self.stdout.write(f"  {plan.name}")
