"""manage.py questions_import FILE [--format moodle-xml|gift] [--dry-run]"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import bank
from quizzes.exchange import ExchangeError


class Command(BaseCommand):
    help = (
        "Import multiple-choice and true/false questions from a Moodle XML or GIFT file "
        "as drafts, and print what was imported, skipped and refused, with reasons."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=[code for code, _ in bank.Format.CHOICES])
        parser.add_argument("--dry-run", action="store_true", help="Report only; save nothing.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > bank.IMPORT_MAX_BYTES:
            raise CommandError(f"{path} is larger than {bank.IMPORT_MAX_BYTES // 1048576} MB.")
        file_format = options["format"]
        try:
            report = bank.questions_import(
                data=path.read_bytes(),
                file_format=file_format if isinstance(file_format, str) else None,
                dry_run=bool(options["dry_run"]),
            )
        except ExchangeError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
