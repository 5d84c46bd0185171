"""Time the outcome engine against its budgets: one timeline <= 5 ms, 10,000 patients <= 10 s.

Run from the repository root: ``.venv/bin/python bench/bench_engine.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases.simulation import get_plan, get_profile, simulate, summarize_cohort

TIMELINE_RUNS = 300
COHORT_PATIENTS = 10_000
TIMELINE_BUDGET_MS = 5.0
COHORT_BUDGET_S = 10.0


def median_timeline_ms() -> float:
    """Median wall time of one full five-year timeline (events, sentences, daily series)."""
    profile, plan = get_profile("typical-cop"), get_plan("prednisone-standard")
    patients = [profile.sample(seed) for seed in range(TIMELINE_RUNS)]
    durations = []
    for seed, patient in enumerate(patients):
        started = time.perf_counter()
        simulate(patient, plan, seed)
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


COHORT_RUNS = 3


def cohort_seconds() -> tuple[float, float]:
    """Median wall and CPU seconds of a 10,000-patient cohort summary over three runs.

    CPU time is printed beside wall time because the development machine is shared: wall time
    grows with other people's load, CPU time shows what the engine itself costs.
    """
    walls, cpus = [], []
    for run in range(COHORT_RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        summarize_cohort("typical-cop", "prednisone-standard", COHORT_PATIENTS, seed=run + 1)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    timeline_ms = median_timeline_ms()
    cohort_wall, cohort_cpu = cohort_seconds()
    print(
        f"one timeline, median of {TIMELINE_RUNS}: {timeline_ms:.2f} ms "
        f"(budget {TIMELINE_BUDGET_MS} ms)"
    )
    print(
        f"cohort summary, {COHORT_PATIENTS} patients, median of {COHORT_RUNS}: "
        f"{cohort_wall:.2f} s wall, {cohort_cpu:.2f} s CPU (budget {COHORT_BUDGET_S} s)"
    )


if __name__ == "__main__":
    main()
