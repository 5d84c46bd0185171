"""Print the case_preview figures of docs/curriculum.md: ``manage.py curriculum_figures``.

For every published case (or the slugs given), the model plan and each of the case's stored
wrong plans (fixtures/wrong_plans/<slug>.json) on the same cohort, as a markdown table to
paste under the case's section.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.cohorts import COHORT_PATIENTS
from cases.curriculum import case_figures, markdown_table
from cases.models import Case


class Command(BaseCommand):
    help = "Print each case's model plan and wrong plans through case_preview, as markdown."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slugs", nargs="*", help="cases to print (default: every published)")
        parser.add_argument("--patients", type=int, default=COHORT_PATIENTS)

    def handle(self, *args: Any, **options: Any) -> None:
        cases = Case.objects.filter(status=Case.Status.PUBLISHED).order_by("pk")
        if options["slugs"]:
            cases = cases.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - {case.slug for case in cases}
            if missing:
                raise CommandError(f"No published case has the slug(s) {sorted(missing)}.")
        for case in cases:
            self.stdout.write(f"### {case.title} (`{case.slug}`)\n")
            self.stdout.write(markdown_table(case_figures(case.slug, patients=options["patients"])))
            self.stdout.write("")
