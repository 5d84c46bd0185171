"""Public entry points: simulate a patient under a plan, and revise the plan part-way."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .diseases import behaviour_for
from .model import Course, Phase, RandomDraws, model_breakpoints, run_course
from .narrative import DECISION_POINTS, EventKind, narrate, presentation
from .parameters import Parameters
from .patient import Patient
from .plan import HORIZON_DAYS, LAST_DAY, Plan, PlanRevision, plan_history
from .schedule import Segment, compile_schedule
from .sources import Source

# The symptom score is a 0-10 display scale for the learner's chart, not a validated
# instrument; these constants shape the curves and decide no outcome.
NORMAL_SPO2_PCT = 97.0
MAX_SYMPTOM_SCORE = 10.0
SCORE_FLOOR = 1.0
IMPROVED_SCORE = 1.5
RESIDUAL_SCORE = 3.0
RELAPSE_SHARE_OF_PRESENTATION = 0.7
SETTLING_DAYS = {Phase.IMPROVED: 4.0, Phase.CLEARED: 10.0, Phase.RESIDUAL: 10.0, Phase.CURED: 7.0}
FLARE_DAYS = 3.0
PROGRESSION_DAYS = 20.0


@dataclass(frozen=True)
class Event:
    """Something the learner sees on ``day``, with the source of the rule that produced it.

    ``decision_point`` marks a relapse, an admission or a non-response: the moment a
    clinician would rethink the plan, where a player stops to let the learner decide.
    """

    day: int
    kind: EventKind
    text: str
    source: Source
    decision_point: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "kind": self.kind.value,
            "text": self.text,
            "source": self.source,
            "decision_point": self.decision_point,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            data["day"],
            EventKind(data["kind"]),
            data["text"],
            Source(data["source"]),
            bool(data.get("decision_point", False)),
        )


@dataclass(frozen=True)
class DailySeries:
    """One value per day 0..1824; ``None`` in the clinical series after death."""

    symptom_score: tuple[float | None, ...]
    spo2_pct: tuple[float | None, ...]
    prednisone_mg: tuple[float, ...]
    """Prednisone-equivalent glucocorticoid dose given that day."""
    cumulative_prednisone_mg: tuple[float, ...]

    def to_dict(self) -> dict[str, list[float | None]]:
        return {
            "symptom_score": list(self.symptom_score),
            "spo2_pct": list(self.spo2_pct),
            "prednisone_mg": list(self.prednisone_mg),
            "cumulative_prednisone_mg": list(self.cumulative_prednisone_mg),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Sequence[float | None]]) -> DailySeries:
        return cls(
            symptom_score=tuple(data["symptom_score"]),
            spo2_pct=tuple(data["spo2_pct"]),
            prednisone_mg=tuple(float(value or 0.0) for value in data["prednisone_mg"]),
            cumulative_prednisone_mg=tuple(
                float(value or 0.0) for value in data["cumulative_prednisone_mg"]
            ),
        )


@dataclass(frozen=True)
class Timeline:
    """A patient's five years under a plan history; everything needed to store or replay it."""

    patient: Patient
    history: tuple[PlanRevision, ...]
    seed: int
    events: tuple[Event, ...]
    series: DailySeries
    parameter_overrides: dict[str, float] = field(default_factory=dict)

    @property
    def current_day(self) -> int:
        """The day of the latest revision: the plan cannot be changed before it."""
        return self.history[-1].effective_day

    @property
    def parameters(self) -> Parameters:
        return Parameters().with_overrides(self.parameter_overrides)

    def events_before(self, day: int) -> tuple[Event, ...]:
        return tuple(event for event in self.events if event.day < day)

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient": self.patient.to_dict(),
            "history": [revision.to_dict() for revision in self.history],
            "seed": self.seed,
            "parameter_overrides": dict(self.parameter_overrides),
            "events": [event.to_dict() for event in self.events],
            "series": self.series.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timeline:
        return cls(
            patient=Patient.from_dict(data["patient"]),
            history=tuple(PlanRevision.from_dict(item) for item in data["history"]),
            seed=data["seed"],
            events=tuple(Event.from_dict(item) for item in data["events"]),
            series=DailySeries.from_dict(data["series"]),
            parameter_overrides=dict(data.get("parameter_overrides", {})),
        )


def simulate(
    patient: Patient,
    plan: Plan | Iterable[PlanRevision],
    seed: int,
    params: Parameters | None = None,
) -> Timeline:
    """The patient's five-year timeline under ``plan`` (or a revision history) and ``seed``.

    The same arguments always give the same timeline, and two plans for the same patient and
    seed share every random draw, so their difference is the effect of the plan alone.
    """
    params = params or Parameters()
    history = plan_history(plan)
    segments = schedule_for(patient, history, params)
    course = run_course(patient, segments, RandomDraws.from_seed(seed), params)
    return Timeline(
        patient=patient,
        history=history,
        seed=seed,
        events=_events(patient, course, params),
        series=_series(patient, course, segments),
        parameter_overrides=params.overrides(),
    )


def revise(timeline: Timeline, effective_day: int, plan: Plan) -> Timeline:
    """Continue ``timeline`` with ``plan`` from ``effective_day``; earlier events are unchanged."""
    if (
        isinstance(effective_day, bool)
        or not isinstance(effective_day, int)
        or not timeline.current_day <= effective_day <= LAST_DAY
    ):
        raise ValueError(
            f"effective_day must be a whole number between {timeline.current_day} (the current "
            f"day) and {LAST_DAY}, not {effective_day!r}"
        )
    history = (*timeline.history, PlanRevision(effective_day, plan))
    return simulate(timeline.patient, history, timeline.seed, timeline.parameters)


def schedule_for(
    patient: Patient, history: tuple[PlanRevision, ...], params: Parameters
) -> list[Segment]:
    """The compiled treatment segments the model runs on, cut at the model's own breakpoints."""
    return compile_schedule(history, patient.ideal_body_weight_kg, model_breakpoints(params))


def _events(patient: Patient, course: Course, params: Parameters) -> tuple[Event, ...]:
    opening = [Event(0, kind, text, source) for kind, text, source in presentation(patient)]
    later = [
        Event(
            min(int(occurrence.time), LAST_DAY),
            *narration,
            decision_point=occurrence.happening in DECISION_POINTS,
        )
        for occurrence in course.occurrences
        for narration in narrate(occurrence, patient, params)
    ]
    return (*opening, *later)


def _series(patient: Patient, course: Course, segments: list[Segment]) -> DailySeries:
    dose = np.zeros(HORIZON_DAYS)
    for segment in segments:
        dose[segment.start : segment.end] = segment.steroid_mg
    death = course.death_time
    if death is not None:
        dose[math.floor(death) + 1 :] = 0.0
    score = _symptom_curve(patient, course)
    presenting = _presenting_score(patient)
    spo2 = NORMAL_SPO2_PCT - (NORMAL_SPO2_PCT - patient.spo2_pct) * score / presenting
    return DailySeries(
        symptom_score=_with_gaps(np.round(score, 2)),
        spo2_pct=_with_gaps(np.round(np.clip(spo2, 50.0, 100.0), 1)),
        prednisone_mg=tuple(np.round(dose, 2).tolist()),
        cumulative_prednisone_mg=tuple(np.round(np.cumsum(dose), 2).tolist()),
    )


def _presenting_score(patient: Patient) -> float:
    """Display score at presentation from oxygenation and spirometry; focal OP is often silent."""
    if behaviour_for(patient).silent:
        return SCORE_FLOOR
    score = 2.0 + 0.5 * max(0.0, 96.0 - patient.spo2_pct) + max(0.0, 80.0 - patient.fvc_pct) / 10
    return min(MAX_SYMPTOM_SCORE, max(SCORE_FLOOR, score))


def _symptom_curve(patient: Patient, course: Course) -> npt.NDArray[np.float64]:
    """Exponential approach to each phase's target score, evaluated at midday of every day."""
    presenting = _presenting_score(patient)
    progressive = behaviour_for(patient).progressive
    times: list[float] = []
    starts: list[float] = []
    targets: list[float] = []
    spans: list[float] = []
    value = presenting
    for index, (time, phase) in enumerate(course.phases):
        if times:
            value = targets[-1] + (starts[-1] - targets[-1]) * math.exp(
                -(time - times[-1]) / spans[-1]
            )
        target, span = _phase_target(phase, presenting, progressive, first=index == 0)
        times.append(time)
        starts.append(value)
        targets.append(max(target, value) if phase is Phase.ACTIVE and index else target)
        spans.append(span)
    midday = np.arange(HORIZON_DAYS) + 0.5
    anchor = np.searchsorted(np.asarray(times), midday, side="right") - 1
    t0, v0, goal, width = (np.asarray(values)[anchor] for values in (times, starts, targets, spans))
    curve: npt.NDArray[np.float64] = goal + (v0 - goal) * np.exp(-(midday - t0) / width)
    death = course.death_time
    if death is not None:
        curve[midday >= death] = np.nan
    return curve


def _phase_target(
    phase: Phase, presenting: float, progressive: bool, first: bool
) -> tuple[float, float]:
    if phase is Phase.ACTIVE:
        if progressive:
            return MAX_SYMPTOM_SCORE, PROGRESSION_DAYS
        return (presenting if first else presenting * RELAPSE_SHARE_OF_PRESENTATION), FLARE_DAYS
    if phase is Phase.DEAD:
        return 0.0, 1.0
    target = {Phase.IMPROVED: IMPROVED_SCORE, Phase.RESIDUAL: RESIDUAL_SCORE}.get(phase, 0.0)
    return min(target, presenting), SETTLING_DAYS[phase]


def _with_gaps(values: np.ndarray) -> tuple[float | None, ...]:
    return tuple(None if math.isnan(value) else value for value in values.tolist())
