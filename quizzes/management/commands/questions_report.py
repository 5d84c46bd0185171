"""manage.py questions_report [--topic SLUG] [--details]: the bank's item-writing report."""

from __future__ import annotations

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from quizzes import selectors
from quizzes.models import Topic


class Command(BaseCommand):
    help = (
        "Count the item-writing flaws (long key, absolute words, all/none of the above, "
        "stem not a question, stem words only in the key, no vignette) over the bank."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--topic", help="Slug of a topic; its subtopics are included.")
        parser.add_argument("--details", action="store_true", help="List each question's flaws.")

    def handle(self, *args: object, **options: object) -> None:
        topic = None
        if options["topic"]:
            topic = Topic.objects.filter(slug=options["topic"]).first()
            if topic is None:
                raise CommandError(f"No topic with the slug {options['topic']!r}.")
        report, checked = selectors.bank_item_writing(topic=topic)
        for line in report.lines():
            self.stdout.write(line)
        if options["details"]:
            for question, warnings in checked:
                for warning in warnings:
                    self.stdout.write(f"#{question.pk} {warning.code}: {warning.message}")
