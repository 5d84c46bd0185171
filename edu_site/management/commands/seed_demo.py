"""Load the shipped content and the two demo accounts, for laptops and demos."""

import hashlib
import json
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases.exchange import ImportRefused, case_import, shipped_case_paths
from cases.models import Case
from edu_site.classes import services as class_services
from edu_site.classes.models import Class, Dates, Enrollment, Term
from edu_site.models import ShippedFixture, User
from edu_site.roles import educator_grant
from quizzes import bank
from quizzes.models import Quiz

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
DEMO_ACCOUNTS = (("learner", False), ("educator", True))
DEMO_CLASS = "Demo class"
DEMO_TERM = "Demo term"


class Command(BaseCommand):
    shipped_bank: bank.ShippedBank
    help = (
        "Load the shipped fixtures (fixtures/*.json, in name order, then the case files in "
        "fixtures/cases/ through the case importer) and create the demo "
        "accounts 'learner' and 'educator' (learner@example.org, educator@example.org) with "
        "DEMO_PASSWORD, and a 'Demo class' taught by educator with learner in it and one "
        "case and one quiz assigned. Safe to run again: files already loaded unchanged, "
        "existing accounts and the demo class are left as they are, and a shipped question "
        "the site has its own version of, or an educator edited in admin since it was "
        "shipped, is not loaded (each one is reported)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--content-only",
            action="store_true",
            help="Load the content but create no demo accounts (classroom mode: their "
            "known password must not open a server on a shared network).",
        )

    def handle(self, *args: object, **options: object) -> None:
        paths = sorted(FIXTURES_DIR.glob("*.json"))
        self.shipped_bank = bank.ShippedBank(
            row
            for path in paths
            for row in json.loads(path.read_bytes())
            if row["model"] == "quizzes.question"
        )
        with transaction.atomic():
            for path in paths:
                self.load_if_changed(path)
            for path in shipped_case_paths(FIXTURES_DIR / "cases"):
                self.load_if_changed(path, case_file=True)
            moved = bank.superseded_versions_forward()
            if moved:
                self.stdout.write(f"moved to newer question versions: {moved} quiz or card rows")
            if options["content_only"]:
                return
            for username, educator in DEMO_ACCOUNTS:
                self.ensure_account(username, educator=educator)
            self.ensure_demo_class()

    def load_if_changed(self, path: Path, *, case_file: bool = False) -> None:
        """Load a shipped file unless this exact content was loaded before.

        A case file (fixtures/cases/, the exchange format) goes through the importer: a new
        case is created and published, a changed one replaces the case's content and
        publishes a new version, so attempts keep the version they started on.
        """
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        name = f"cases/{path.name}" if case_file else path.name
        if ShippedFixture.objects.filter(name=name, sha256=digest).exists():
            self.stdout.write(f"unchanged: {name}")
            return
        if case_file:
            try:
                case_import(data, replace=True)
            except ImportRefused as refused:
                raise CommandError(f"{name}: {refused}") from None
        else:
            self.load_fixture(path, data, ShippedFixture.objects.filter(name=name).first())
        ShippedFixture.objects.update_or_create(name=name, defaults={"sha256": digest})
        self.stdout.write(self.style.SUCCESS(f"loaded: {name}"))

    def load_fixture(self, path: Path, data: bytes, before: ShippedFixture | None) -> None:
        """Load a fixture file, leaving out the rows that would overwrite or clash with the
        site's own questions or an educator's edits of shipped ones (``bank.ShippedBank``),
        say what was kept, and remember what each loaded question held as shipped."""
        rows = json.loads(data)
        shipped = self.shipped_bank.rows_to_load(
            rows, last_loaded=None if before is None else before.loaded_at
        )
        for sentence in shipped.kept:
            self.stdout.write(self.style.WARNING(f"{path.name}: {sentence}"))
        if shipped.rows == rows:
            call_command("loaddata", str(path), verbosity=0)
        elif shipped.rows:
            with tempfile.TemporaryDirectory() as folder:
                kept = Path(folder, path.name)
                kept.write_text(json.dumps(shipped.rows), encoding="utf-8")
                call_command("loaddata", str(kept), verbosity=0)
        bank.shipped_fingerprints_record(
            question_ids=[row["pk"] for row in shipped.rows if row["model"] == "quizzes.question"]
        )
        bank.shipped_edits_remember(question_ids=shipped.edited)

    def ensure_account(self, username: str, *, educator: bool) -> None:
        user, created = User.objects.get_or_create(username=username)
        if not user.email:  # accounts made before demo accounts had addresses get theirs
            user.email = f"{username}@example.org"
            user.save(update_fields=["email"])
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.stdout.write(self.style.SUCCESS(f"created account: {username}"))
        if educator and not (user.is_staff and user.groups.exists()):
            educator_grant(user)

    def ensure_demo_class(self) -> None:
        """Create the demo class once, with the first shipped case and quiz assigned; a class
        of that name the educator teaches is kept as it is."""
        educator = User.objects.get(username="educator")
        if Class.objects.filter(name=DEMO_CLASS, educators=educator).exists():
            return
        today = timezone.localdate()
        term, _ = Term.objects.get_or_create(
            name=DEMO_TERM,
            defaults={
                "starts_on": today - timedelta(days=30),
                "ends_on": today + timedelta(days=365),
            },
        )
        klass = class_services.class_create(educator=educator, name=DEMO_CLASS, term=term)
        Enrollment.objects.create(klass=klass, learner=User.objects.get(username="learner"))
        now = timezone.now()
        dates = Dates(now - timedelta(days=1), now + timedelta(days=14), now + timedelta(days=28))
        case = Case.objects.filter(status=Case.Status.PUBLISHED).order_by("pk").first()
        quiz = Quiz.objects.filter(is_published=True, owner=None).order_by("pk").first()
        if case is not None:
            class_services.assignment_create(
                klass=klass, case=case, dates=dates, attempts_allowed=0
            )
        if quiz is not None:
            class_services.assignment_create(
                klass=klass, quiz=quiz, dates=dates, attempts_allowed=0
            )
        self.stdout.write(self.style.SUCCESS(f"created {DEMO_CLASS}, join code {klass.join_code}"))
