"""The curriculum's check of every shipped case: its model plan against its usual mistakes.

Each shipped case keeps the plausible wrong plans its author previewed in
``fixtures/wrong_plans/<slug>.json`` (``{"plan name": <plan v2 JSON>, ...}``). The curriculum
test and ``manage.py curriculum_figures`` (which prints the tables of docs/curriculum.md) both
run them through ``case_preview``, the command authors use, so the figures in the docs are
the figures an author sees.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command

from cases.scoring import COMPETENCY_WEIGHTS

WRONG_PLANS_DIR = settings.BASE_DIR / "fixtures" / "wrong_plans"


@dataclass(frozen=True)
class PlanFigures:
    """What ``case_preview --json`` says of one plan on the case's cohort."""

    name: str
    management: float
    safety: float
    summary: dict[str, float]

    @property
    def points(self) -> float:
        """The plan's part of the debrief score: management and safety, in rubric points."""
        return (
            COMPETENCY_WEIGHTS["management"] * self.management
            + COMPETENCY_WEIGHTS["safety"] * self.safety
        )


def wrong_plans(slug: str) -> dict[str, dict[str, Any]]:
    """The case's stored wrong plans by name; none when the case has no file yet."""
    path = WRONG_PLANS_DIR / f"{slug}.json"
    if not path.exists():
        return {}
    plans: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return plans


def preview(slug: str, plan: dict[str, Any] | None, *, name: str, patients: int) -> PlanFigures:
    """``case_preview`` of one plan (``None``: the case's model plan) on ``patients`` patients
    at the command's default seed; a refused plan raises the command's CommandError."""
    out = StringIO()
    if plan is None:
        call_command(
            "case_preview", slug, "--model-plan", f"--patients={patients}", "--json", stdout=out
        )
    else:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "plan.json"
            path.write_text(json.dumps(plan), encoding="utf-8")
            call_command(
                "case_preview",
                slug,
                f"--plan-json={path}",
                f"--patients={patients}",
                "--json",
                stdout=out,
            )
    result = json.loads(out.getvalue())
    return PlanFigures(name, result["management"], result["safety"], result["summary"])


def case_figures(slug: str, *, patients: int) -> list[PlanFigures]:
    """The model plan's figures, then each stored wrong plan's, on the same cohort."""
    figures = [preview(slug, None, name="model plan", patients=patients)]
    figures += [
        preview(slug, plan, name=name, patients=patients)
        for name, plan in wrong_plans(slug).items()
    ]
    return figures


COLUMNS = (
    ("relapse_5y", "relapse in 5 y"),
    ("death_5y", "death in 5 y"),
    ("any_steroid_harm", "steroid harm"),
    ("persistent_disease_1y", "ill at 1 y"),
)


def markdown_table(figures: list[PlanFigures]) -> str:
    """One row per plan: management and safety shares, points, and the cohort outcomes."""
    header = ["plan", "management", "safety", "points /40"]
    header += [label for _, label in COLUMNS] + ["days with active disease"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for plan in figures:
        cells = [plan.name, f"{plan.management:.3f}", f"{plan.safety:.3f}", f"{plan.points:.1f}"]
        cells += [f"{plan.summary[key] * 100:.1f} %" for key, _ in COLUMNS]
        cells.append(f"{plan.summary['mean_active_disease_days']:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
