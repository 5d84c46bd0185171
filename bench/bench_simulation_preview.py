"""Time the admin's simulation preview against its budget: 200 patients well under 3 s.

Run from the repository root: ``.venv/bin/python bench/bench_simulation_preview.py``. It
builds a throwaway SQLite database in a temporary folder, loads the shipped case, and prints
the median of several runs of ``studio.simulation_preview`` (the function the admin page and
``manage.py case_preview`` share): 200 patients under the model plan and under the plan an
author enters, each with its three sample courses.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-preview-")
os.environ["SQLITE_PATH"] = str(Path(WORKDIR) / "bench.sqlite3")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_site.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from cases import studio  # noqa: E402
from cases.exchange import shipped_cases_import  # noqa: E402
from cases.models import Case  # noqa: E402

RUNS = 5
BUDGET_S = 3.0
FIXTURES = ("10_topics.json", "15_references.json", "20_case_catalogs.json")
OBSERVATION: dict[str, Any] = {"orders": [{"agent": "observation"}]}


def median_seconds(plan: dict[str, Any] | None, case: Case) -> float:
    durations = []
    for _ in range(RUNS):
        started = time.perf_counter()
        studio.simulation_preview(case=case, plan_data=plan)
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("loaddata", *(str(ROOT / "fixtures" / name) for name in FIXTURES), verbosity=0)
    (case,) = shipped_cases_import(["cough-after-antibiotics"])
    for label, plan in (("model plan", None), ("an entered plan (observation)", OBSERVATION)):
        seconds = median_seconds(plan, case)
        verdict = "within" if seconds <= BUDGET_S else "OVER"
        print(
            f"simulation preview, 200 patients, {label}: {seconds:.2f} s median "
            f"({verdict} {BUDGET_S:g} s)"
        )


if __name__ == "__main__":
    main()
