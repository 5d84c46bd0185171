"""``manage.py case_export SLUG [--output FILE]``: a case as one exchange-format JSON file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.exchange import case_export_json
from cases.models import Case


class Command(BaseCommand):
    help = (
        "Write the case with SLUG, the catalog entries it uses and its images, as one JSON "
        "file in the exchange format (docs/case-format.schema.json), to FILE or the output."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", type=Path, help="Write to this file instead.")

    def handle(self, *args: object, **options: object) -> None:
        case = Case.objects.filter(slug=options["slug"]).first()
        if case is None:
            raise CommandError(f"No case has the slug {options['slug']!r}.")
        text = case_export_json(case)
        output = options["output"]
        if isinstance(output, Path):
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")
