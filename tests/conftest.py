import subprocess
from collections.abc import Sequence

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from cases.exchange import shipped_cases_import
from cases.models import Case
from tests.factories import EducatorFactory, UserFactory


def pytest_report_header(config):
    """Name the database and the browser, so CI output shows what each run used."""
    from tests.e2e.conftest import CHROMIUM_PATH

    browser = "missing"
    if CHROMIUM_PATH.exists():
        version = subprocess.run(
            [str(CHROMIUM_PATH), "--version"], capture_output=True, text=True, check=False
        )
        browser = version.stdout.strip() or str(CHROMIUM_PATH)
    return [
        f"database: {connection.vendor} ({connection.settings_dict['ENGINE']})",
        f"browser for e2e tests: {browser} at {CHROMIUM_PATH}",
    ]


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Tests render pages without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test makes users; the production hasher would spend most of the run hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


SHIPPED_CASE_FIXTURES = sorted((settings.BASE_DIR / "fixtures").glob("[12]?_*.json"))
"""What the shipped case files refer to (topics, references, catalogs: files 10-29, in the name
order seed_demo loads them), without the question bank, whose loading would double a test's
set-up."""


SHIPPED_BANK_FIXTURES = [
    settings.BASE_DIR / "fixtures" / "10_topics.json",
    *sorted((settings.BASE_DIR / "fixtures").glob("5?_*.json")),
]
"""The question bank and its quizzes: files 50-59, in the name order seed_demo loads them."""


def shipped_bank_load() -> None:
    """Load the shipped question bank, its topics and its quizzes."""
    call_command("loaddata", *map(str, SHIPPED_BANK_FIXTURES), verbosity=0)


def shipped_cases_load(slugs: Sequence[str] | None = None) -> list[Case]:
    """Load the shipped cases (all, or those named) through the importer, as seed_demo loads
    them, with the catalogs, references and topics they refer to."""
    call_command("loaddata", *map(str, SHIPPED_CASE_FIXTURES), verbosity=0)
    return shipped_cases_import(slugs)


def shipped_case_load() -> Case:
    """Load the shipped typical-COP case, the one most tests play."""
    (case,) = shipped_cases_load(["cough-after-antibiotics"])
    return case


@pytest.fixture
def shipped_case(db) -> Case:
    return shipped_case_load()


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def educator(db):
    return EducatorFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def educator_client(client, educator):
    client.force_login(educator)
    return client
