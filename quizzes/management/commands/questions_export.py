"""manage.py questions_export --format moodle-xml|gift [--topic SLUG] > bank.xml"""

from __future__ import annotations

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from quizzes import bank
from quizzes.models import Topic


class Command(BaseCommand):
    help = (
        "Write the question bank (every question not retired, at its current version) "
        "to standard output as Moodle XML or GIFT, optionally one topic and its subtopics."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--format", required=True, choices=[code for code, _ in bank.Format.CHOICES]
        )
        parser.add_argument("--topic", help="Slug of a topic; its subtopics are included.")

    def handle(self, *args: object, **options: object) -> None:
        topic = None
        if options["topic"]:
            topic = Topic.objects.filter(slug=options["topic"]).first()
            if topic is None:
                raise CommandError(f"No topic with the slug {options['topic']!r}.")
        data = bank.questions_export(file_format=str(options["format"]), topic=topic)
        self.stdout.write(data.decode("utf-8"), ending="")
