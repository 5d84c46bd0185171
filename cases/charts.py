"""Geometry for the server-rendered SVG charts; the templates draw what this computes.

Charts carry a <title>, a <desc> and a data table beside them, so the numbers are there for
screen readers and for anyone who prefers a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 64, 20, 44
MAX_POINTS = 360
"""Enough points for a smooth line; five years of days would only bloat the page."""
MAX_SYMPTOM = 10
MARKED_KINDS = {"relapse": "Relapse", "adverse_event": "Adverse event", "death": "Death"}
TABLE_DAYS = (0, 3, 7, 14, 28, 56, 90, 120, 180, 270, 365, 545, 730, 1095, 1460, 1824)


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    kind: str
    label: str
    day: int


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    lines: list[dict[str, Any]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    left_ticks: list[dict[str, Any]] = field(default_factory=list)
    right_ticks: list[dict[str, Any]] = field(default_factory=list)
    left_label: str = ""
    right_label: str = ""
    x_label: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    span = high - low or 1.0
    return round(out_low + (value - low) * (out_high - out_low) / span, 1)


def _day_ticks(last_day: int) -> list[int]:
    step = next(s for s in (7, 14, 30, 60, 90, 180, 365) if last_day / s <= 8)
    return list(range(0, last_day + 1, step))


def outcome_chart(
    timeline: dict[str, Any], until_day: int, title: str, *, events: list[dict[str, Any]]
) -> Chart:
    """Prednisone-equivalent dose and symptom score over days 0..until_day, events marked."""
    series = timeline["series"]
    last_day = max(until_day, 28)
    doses = series["prednisone_mg"][: last_day + 1]
    scores = series["symptom_score"][: last_day + 1]
    dose_top = max(60.0, *(dose for dose in doses if dose <= 200)) if doses else 60.0
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    step = max(1, (last_day + 1) // MAX_POINTS)
    days = [*range(0, min(last_day, until_day) + 1, step)]
    if days[-1] != min(last_day, until_day):
        days.append(min(last_day, until_day))

    def x(day: int) -> float:
        return _scale(day, 0, last_day, left, right)

    def y_score(value: float) -> float:
        return _scale(value, 0, MAX_SYMPTOM, bottom, top)

    def y_dose(value: float) -> float:
        return _scale(min(value, dose_top), 0, dose_top, bottom, top)

    symptom_points = " ".join(
        f"{x(day)},{y_score(scores[day])}" for day in days if scores[day] is not None
    )
    dose_points = " ".join(f"{x(day)},{y_dose(doses[day])}" for day in days)
    markers = [
        Marker(
            x(event["day"]),
            y_score(scores[event["day"]] or 0),
            event["kind"],
            MARKED_KINDS[event["kind"]],
            event["day"],
        )
        for event in events
        if event["kind"] in MARKED_KINDS and event["day"] <= until_day
    ]
    counts = {label: sum(1 for m in markers if m.label == label) for label in MARKED_KINDS.values()}
    description = (
        f"Days 0 to {until_day}: daily prednisone-equivalent dose (solid line, right axis, "
        f"milligrams) and symptom score (dashed line, left axis, 0 to 10). "
        + ", ".join(f"{count} {label.lower()}(s)" for label, count in counts.items())
        + " marked. The table that follows lists the same values."
    )
    table_days = sorted({d for d in TABLE_DAYS if d <= until_day} | {m.day for m in markers})
    return Chart(
        title=title,
        description=description,
        lines=[
            {"points": dose_points, "css": "line-dose", "label": "Prednisone mg/day"},
            {"points": symptom_points, "css": "line-symptom", "label": "Symptom score"},
        ],
        markers=markers,
        x_ticks=[{"x": x(day), "label": str(day)} for day in _day_ticks(last_day)],
        left_ticks=[{"y": y_score(v), "label": str(v)} for v in range(0, MAX_SYMPTOM + 1, 2)],
        right_ticks=[{"y": y_dose(v), "label": f"{v:g}"} for v in _dose_ticks(dose_top)],
        left_label="Symptom score (0-10)",
        right_label="Prednisone mg/day",
        x_label="Day since treatment started",
        rows=[
            {
                "day": day,
                "dose": doses[day] if day < len(doses) else None,
                "score": scores[day] if day < len(scores) else None,
                "events": ", ".join(m.label for m in markers if m.day == day),
            }
            for day in table_days
        ],
    )


def _dose_ticks(top: float) -> list[float]:
    step = 10.0 if top <= 80 else 50.0 if top <= 400 else 250.0
    return [step * i for i in range(int(top // step) + 1)]


def score_chart(points: list[tuple[datetime | None, float, str]]) -> Chart | None:
    """Debrief scores in the order the attempts finished; None until there is one."""
    if not points:
        return None
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    count = len(points)

    def x(index: int) -> float:
        return _scale(index, 0, max(count - 1, 1), left, right)

    def y(score: float) -> float:
        return _scale(score, 0, 100, bottom, top)

    coordinates = " ".join(f"{x(i)},{y(score)}" for i, (_, score, _) in enumerate(points))
    return Chart(
        title="Case scores over time",
        description=(
            f"{count} finished attempt(s); scores out of 100 from the first to the latest: "
            + ", ".join(f"{score:g}" for _, score, _ in points)
            + ". The table that follows lists them with dates."
        ),
        lines=[{"points": coordinates, "css": "line-score", "label": "Score"}],
        markers=[
            Marker(x(i), y(score), "score", f"{title}: {score:g}", i)
            for i, (_, score, title) in enumerate(points)
        ],
        x_ticks=[{"x": x(i), "label": str(i + 1)} for i in range(count)],
        left_ticks=[{"y": y(v), "label": str(v)} for v in range(0, 101, 20)],
        left_label="Score out of 100",
        x_label="Finished attempt",
        rows=[
            {"day": index + 1, "date": when, "score": score, "events": title}
            for index, (when, score, title) in enumerate(points)
        ],
    )
