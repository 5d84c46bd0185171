"""Load the shipped content and the two demo accounts, for laptops and demos."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from edu_site.models import ShippedFixture, User
from edu_site.roles import educator_grant

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
DEMO_ACCOUNTS = (("learner", False), ("educator", True))


class Command(BaseCommand):
    help = (
        "Load the shipped fixtures (fixtures/*.json, in name order) and create the demo "
        "accounts 'learner' and 'educator' (learner@example.org, educator@example.org) with "
        "DEMO_PASSWORD. Safe to run again: files "
        "already loaded unchanged and existing accounts are left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--content-only",
            action="store_true",
            help="Load the content but create no demo accounts (classroom mode: their "
            "known password must not open a server on a shared network).",
        )

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            for path in sorted(FIXTURES_DIR.glob("*.json")):
                self.load_if_changed(path)
            if options["content_only"]:
                return
            for username, educator in DEMO_ACCOUNTS:
                self.ensure_account(username, educator=educator)

    def load_if_changed(self, path: Path) -> None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if ShippedFixture.objects.filter(name=path.name, sha256=digest).exists():
            self.stdout.write(f"unchanged: {path.name}")
            return
        call_command("loaddata", str(path), verbosity=0)
        ShippedFixture.objects.update_or_create(name=path.name, defaults={"sha256": digest})
        self.stdout.write(self.style.SUCCESS(f"loaded: {path.name}"))

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
