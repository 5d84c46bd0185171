"""Time the debrief against its budget: the 200-patient comparison <= 1 s, reloads rebuild nothing.

Run from the repository root: ``.venv/bin/python bench/bench_debrief.py``. It builds a
throwaway SQLite database in a temporary folder, plays one attempt of the shipped case
through the real services, and prints medians:

- the cohort comparison ``attempt_finish`` runs once (both plans over 200 patients);
- finishing the attempt (comparison, counterfactual and score together);
- the debrief page: its first request, which builds the charts, and reloads, which read
  them back from the cache and rebuild nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-debrief-")
os.environ["SQLITE_PATH"] = str(Path(WORKDIR) / "bench.sqlite3")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases import services  # noqa: E402
from cases.exchange import shipped_cases_import  # noqa: E402
from cases.models import Stage  # noqa: E402
from edu_site.models import User  # noqa: E402
from tests.cases.conftest import FAST_TAPER, play_to  # noqa: E402

COMPARISON_RUNS = 7
PAGE_RUNS = 9
COMPARISON_BUDGET_S = 1.0
FIXTURES = (
    "10_topics.json",
    "15_references.json",
    "20_case_catalogs.json",
)


def median_seconds(action: object, runs: int) -> float:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main() -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {  # pages render without collectstatic, as in the tests
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    call_command("loaddata", *(str(ROOT / "fixtures" / name) for name in FIXTURES), verbosity=0)
    (case,) = shipped_cases_import(["cough-after-antibiotics"])
    user = User.objects.create_user("bench", password="bench-only")

    attempt = play_to(services.attempt_start(user=user, case=case), Stage.OUTCOME, FAST_TAPER)
    while attempt.decision_event is not None:
        services.outcome_continue(attempt=attempt)
    content = attempt.content
    comparison_s = median_seconds(
        lambda: services.attempt_comparison(attempt=attempt, content=content), COMPARISON_RUNS
    )
    finish_started = time.perf_counter()
    services.attempt_finish(attempt=attempt)
    finish_s = time.perf_counter() - finish_started

    client = Client()
    client.force_login(user)
    url = reverse("cases:debrief", args=[attempt.pk])

    def first_view() -> None:
        cache.clear()
        client.get(url)

    first_s = median_seconds(first_view, PAGE_RUNS)
    assert client.get(url).status_code == 200
    reload_s = median_seconds(lambda: client.get(url), PAGE_RUNS)

    print(
        f"cohort comparison, 2 plans x 200 patients, median of {COMPARISON_RUNS}: "
        f"{comparison_s:.3f} s (budget {COMPARISON_BUDGET_S} s)"
    )
    print(f"attempt_finish (comparison, counterfactual, score), once: {finish_s:.3f} s")
    print(
        f"debrief page, first view (builds charts), median of {PAGE_RUNS}: {first_s * 1000:.0f} ms"
    )
    print(f"debrief page, reload (cached), median of {PAGE_RUNS}: {reload_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
