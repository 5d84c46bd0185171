"""Geometry for the server-rendered SVG charts; the templates draw what this computes.

Charts carry a <title>, a <desc> and a data table beside them, so the numbers are there for
screen readers and for anyone who prefers a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cases.cohorts import CohortComparison
from cases.simulation import HORIZON_DAYS, Plan

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
    suffix: str = ""
    """Appended to the including template's element ids, so two panels of one course differ."""
    lanes: list[dict[str, Any]] = field(default_factory=list)
    """One row per agent under the plot: the bars of the days it was given."""
    bars: list[dict[str, Any]] = field(default_factory=list)
    """Horizontal bars of a comparison chart, with their label and value text."""


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    span = high - low or 1.0
    return round(out_low + (value - low) * (out_high - out_low) / span, 1)


FIRST_YEAR_LAST_DAY = 364
DAYS_PER_MONTH = 365 / 12
WEEKLY_UP_TO_DAY = 84
"""Up to 12 weeks the axis counts weeks; beyond, months (and years on the five-year strip)."""
LANE_HEIGHT = 16
LANE_GAP = 44
"""Room under the plot for the tick labels and the axis label before the first lane."""
STRIP_HEIGHT = 190


def _time_ticks(first_day: int, last_day: int) -> tuple[list[tuple[int, str]], str]:
    """Tick days and labels in the unit a clinician reads at this span, and the axis label."""
    span = last_day - first_day
    if span <= WEEKLY_UP_TO_DAY:
        weeks = range(0, span // 7 + 1)
        return [(first_day + 7 * w, str(w)) for w in weeks], "Weeks since treatment started"
    if last_day <= FIRST_YEAR_LAST_DAY + 1:
        step = 1 if span <= 200 else 2
        months = range(0, int(span / DAYS_PER_MONTH) + 1, step)
        ticks = [(round(m * DAYS_PER_MONTH), str(m)) for m in months]
        return ticks, "Months since treatment started"
    years = range(0, int(last_day / 365) + 1)
    return [(365 * y, str(y)) for y in years], "Years since treatment started"


def order_bars(timeline: dict[str, Any]) -> dict[str, list[tuple[int, int]]]:
    """Every order of every plan revision as [start, end) day spans, by agent label.

    A revision governs from its effective day, so an earlier plan's orders are cut there.
    """
    history = timeline["history"]
    lanes: dict[str, list[tuple[int, int]]] = {}
    for index, revision in enumerate(history):
        begins = revision["effective_day"]
        ends = history[index + 1]["effective_day"] if index + 1 < len(history) else HORIZON_DAYS
        for order in Plan.from_dict(revision["plan"]).orders:
            start = max(order.start_day, begins)
            end = min(order.start_day + order.total_days, ends, HORIZON_DAYS)
            if start < end:
                label = order.catalog_entry.label.split(",")[0]
                lanes.setdefault(label, []).append((start, end))
    return lanes


def course_charts(
    timeline: dict[str, Any], until_day: int, title: str, *, events: list[dict[str, Any]]
) -> list[Chart]:
    """A readable first year, and a five-year strip once the course has gone past it."""
    first_year = outcome_chart(
        timeline, min(until_day, FIRST_YEAR_LAST_DAY), f"{title}: first year", events=events
    )
    if until_day <= FIRST_YEAR_LAST_DAY:
        return [first_year]
    strip = outcome_chart(
        timeline, until_day, f"{title}: five years", events=events, height=STRIP_HEIGHT
    )
    return [first_year, replace(strip, suffix="-years")]


def outcome_chart(
    timeline: dict[str, Any],
    until_day: int,
    title: str,
    *,
    events: list[dict[str, Any]],
    height: int = HEIGHT,
) -> Chart:
    """Prednisone-equivalent dose and symptom score over days 0..until_day, events marked,
    and a lane under the plot for every agent the plans ordered."""
    series = timeline["series"]
    last_day = max(until_day, 28)
    doses = series["prednisone_mg"][: last_day + 1]
    scores = series["symptom_score"][: last_day + 1]
    dose_top = max(60.0, *(dose for dose in doses if dose <= 200)) if doses else 60.0
    lanes = order_bars(timeline)
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, height - BOTTOM
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
    ticks, x_label = _time_ticks(0, last_day)
    lane_rows = [
        {
            "label": label,
            "y": bottom + LANE_GAP + index * LANE_HEIGHT,
            "bars": [
                {
                    "x": x(start),
                    "width": max(1.0, round(x(min(end, last_day + 1)) - x(start), 1)),
                    "title": f"{label}: days {start} to {end - 1}",
                }
                for start, end in spans
                if start <= last_day
            ],
        }
        for index, (label, spans) in enumerate(lanes.items())
    ]
    description += " Under the plot, a bar for each agent shows the days it was given: " + (
        "; ".join(
            f"{label} days " + ", ".join(f"{a} to {b - 1}" for a, b in spans)
            for label, spans in lanes.items()
        )
        + "."
    )
    return Chart(
        title=title,
        description=description,
        height=height + LANE_GAP + LANE_HEIGHT * len(lanes),
        plot_bottom=bottom,
        lanes=lane_rows,
        lines=[
            {"points": dose_points, "css": "line-dose", "label": "Prednisone mg/day"},
            {"points": symptom_points, "css": "line-symptom", "label": "Symptom score"},
        ],
        markers=markers,
        x_ticks=[{"x": x(day), "label": label} for day, label in ticks if day <= last_day],
        left_ticks=[{"y": y_score(v), "label": str(v)} for v in range(0, MAX_SYMPTOM + 1, 2)],
        right_ticks=[{"y": y_dose(v), "label": f"{v:g}"} for v in _dose_ticks(dose_top)],
        left_label="Symptom score (0-10)",
        right_label="Prednisone mg/day",
        x_label=x_label,
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


COHORT_MEASURES = (
    ("ill_day_10", "are still ill on day 10"),
    ("relapsed", "relapse within five years"),
    ("died", "die within five years"),
    ("steroid_harm", "have a steroid harm"),
    ("serious_adverse", "have a serious adverse event"),
    ("persistent_1y", "are still ill a year on"),
)
"""Each count the chart draws; one a stored comparison did not make (None) is left out."""
BAR_LEFT = 250
BAR_ROW = 22


def cohort_chart(comparison: CohortComparison) -> Chart:
    """Paired bars: how many of the cohort each thing happened to under each plan."""
    patients = comparison.patients
    right = WIDTH - RIGHT
    bars = []
    measures = [
        (name, words)
        for name, words in COHORT_MEASURES
        if getattr(comparison.yours, name) is not None
    ]
    for index, (name, words) in enumerate(measures):
        for offset, (arm, css, who) in enumerate(
            (
                (comparison.yours, "bar-yours", "your plan"),
                (comparison.model, "bar-model", "recommended plan"),
            )
        ):
            count = getattr(arm, name)
            y = TOP + index * 3 * BAR_ROW + offset * BAR_ROW
            bars.append(
                {
                    "y": y,
                    "width": max(1.0, _scale(count, 0, patients, 0, right - BAR_LEFT)),
                    "x": BAR_LEFT,
                    "css": css,
                    "label": f"{words}: {who}" if offset == 0 else who,
                    "value": f"{count} of {patients}",
                    "text_x": BAR_LEFT + _scale(count, 0, patients, 0, right - BAR_LEFT) + 6,
                }
            )
    rows = [
        {
            "measure": words,
            "yours": getattr(comparison.yours, name),
            "model": getattr(comparison.model, name),
        }
        for name, words in measures
    ]
    return Chart(
        title=f"{patients} patients like this one under each plan",
        description="; ".join(
            f"{row['measure']}: {row['yours']} under your plan, {row['model']} under the "
            "recommended plan"
            for row in rows
        )
        + ". The table that follows lists the same counts.",
        height=TOP + len(measures) * 3 * BAR_ROW,
        plot_left=BAR_LEFT,
        bars=bars,
        rows=rows,
    )
