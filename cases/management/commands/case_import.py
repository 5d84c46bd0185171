"""``manage.py case_import FILE [--slug NEW] [--publish]``: a case from an exchange file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.exchange import IMPORT_MAX_BYTES, ImportRefused, case_import


class Command(BaseCommand):
    help = (
        "Create the case an exchange-format JSON file holds, with the catalog entries the "
        "site lacks, as a draft (or published with --publish). A file that fails the schema, "
        "a row's checks or the publish checklist creates nothing: every problem is listed and "
        "the command exits with status 1."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--slug", help="Import under this slug instead of the file's.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish it at once (version 1)."
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > IMPORT_MAX_BYTES:
            raise CommandError(f"{path} is larger than {IMPORT_MAX_BYTES // 1048576} MB.")
        slug = options["slug"]
        try:
            case = case_import(
                path.read_bytes(),
                slug=slug if isinstance(slug, str) else None,
                publish=bool(options["publish"]),
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"- {problem}")
            count = len(refused.problems)
            raise CommandError(
                f"{path}: nothing imported, {count} problem{'s' if count != 1 else ''}."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"imported {case.slug} ({case.get_status_display().lower()})")
        )
