"""Turn a plan history into piecewise-constant treatment segments.

Every hazard in the model is constant (or, for cumulative-dose harms, linear) within a segment,
which is what lets the engine jump from event to event instead of stepping through days.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from .agents import Action
from .plan import HORIZON_DAYS, PlanRevision


@dataclass(frozen=True, slots=True)
class Segment:
    """Treatment in force on days [start, end)."""

    start: int
    end: int
    steroid_mg: float
    """Prednisone-equivalent milligrams per day from all glucocorticoid orders."""
    pulse: bool
    macrolide: bool
    immunosuppressant: bool
    antibiotic: bool
    """An antibacterial is given: the antibiotics order or a macrolide (``treats_infection``)."""
    culprit_removed: bool
    resection: bool
    """A resection is performed on this segment's first day."""
    agents: frozenset[str]
    """Names of every agent in force, for the harms each agent brings."""
    pneumocystis_prophylaxis: bool
    bone_protection: bool
    glucose_monitoring: bool
    blood_pressure_monitoring: bool

    @property
    def disease_directed(self) -> bool:
        """Whether anything aimed at the lung disease is being given."""
        return self.steroid_mg > 0 or self.macrolide or self.immunosuppressant or self.antibiotic


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    action: Action
    agent: str
    steroid_mg: float
    pulse: bool
    daily_mg_given: bool = True
    """False for a taper step at 0 mg/day: the agent is no longer being given."""
    treats_infection: bool = False


def compile_schedule(
    history: tuple[PlanRevision, ...],
    ideal_body_weight_kg: float,
    breakpoints: Iterable[int] = (),
) -> list[Segment]:
    """Segments covering days 0 to the horizon; each revision governs only its own window."""
    windows = _revision_windows(history)
    pieces = [
        piece
        for (window_start, window_end), revision in zip(windows, history, strict=True)
        for piece in _order_pieces(revision, window_start, window_end, ideal_body_weight_kg)
    ]
    cuts = {0, HORIZON_DAYS, *(b for b in breakpoints if 0 < b < HORIZON_DAYS)}
    cuts.update(day for window in windows for day in window)
    cuts.update(day for piece in pieces for day in (piece.start, piece.end))
    days = sorted(cuts)
    segments = []
    for start, end in itertools.pairwise(days):
        revision = history[_window_index(windows, start)]
        active = [piece for piece in pieces if piece.start <= start < piece.end]
        segments.append(_segment(start, end, active, revision))
    return segments


def _revision_windows(history: tuple[PlanRevision, ...]) -> list[tuple[int, int]]:
    starts = [revision.effective_day for revision in history]
    return list(zip(starts, [*starts[1:], HORIZON_DAYS], strict=True))


def _window_index(windows: list[tuple[int, int]], day: int) -> int:
    """The last revision that took effect on or before ``day`` (a same-day revision wins)."""
    return bisect_right([start for start, _ in windows], day) - 1


def _order_pieces(
    revision: PlanRevision, window_start: int, window_end: int, ideal_body_weight_kg: float
) -> list[_Piece]:
    pieces = []
    for order in revision.plan.orders:
        agent = order.catalog_entry
        is_pulse = agent.name == "methylprednisolone_pulse"
        for dose in order.dose_pieces(ideal_body_weight_kg):
            start, end = max(dose.start, window_start), min(dose.end, window_end)
            if start < end:
                steroid = dose.daily_mg * agent.prednisone_equivalence
                given = dose.daily_mg > 0 or not agent.takes_dose
                pieces.append(
                    _Piece(
                        start,
                        end,
                        agent.action,
                        agent.name,
                        steroid,
                        is_pulse,
                        given,
                        agent.treats_infection,
                    )
                )
    return pieces


def _segment(start: int, end: int, active: list[_Piece], revision: PlanRevision) -> Segment:
    actions = {piece.action for piece in active if piece.daily_mg_given}
    adjuncts = revision.plan.adjuncts
    return Segment(
        start=start,
        end=end,
        steroid_mg=sum(piece.steroid_mg for piece in active),
        pulse=any(piece.pulse for piece in active),
        macrolide=Action.MACROLIDE in actions,
        immunosuppressant=Action.IMMUNOSUPPRESSANT in actions,
        antibiotic=any(piece.treats_infection and piece.daily_mg_given for piece in active),
        culprit_removed=Action.REMOVE_CULPRIT in actions,
        resection=any(p.action is Action.RESECTION and p.start == start for p in active),
        agents=frozenset(piece.agent for piece in active if piece.daily_mg_given),
        pneumocystis_prophylaxis=adjuncts.pneumocystis_prophylaxis,
        bone_protection=adjuncts.bone_protection,
        glucose_monitoring=adjuncts.glucose_monitoring,
        blood_pressure_monitoring=adjuncts.blood_pressure_monitoring,
    )
