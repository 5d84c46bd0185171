"""The engine's non-response signal: 48 h of adequate steroid without improvement (SUM-MX)."""

from dataclasses import replace

from hypothesis import given

from cases.simulation import (
    Disease,
    DoseUnit,
    Order,
    Parameters,
    Plan,
    get_plan,
    get_profile,
    simulate,
)
from tests.simulation.test_properties import SETTINGS, patients, plans, seeds

CHECK_NEVER_DUE = Parameters().with_overrides({"non_response_assessment_days": 10_000})


def non_responses(timeline):
    return [e for e in timeline.events if e.decision_point and "hours of a full" in e.text]


def test_lymphoma_on_full_dose_prednisone_is_flagged_after_48_hours():
    lymphoma = replace(get_profile("typical-cop").sample(11), disease=Disease.LYMPHOMA)

    timeline = simulate(lymphoma, get_plan("prednisone-standard"), 5)

    [event] = non_responses(timeline)
    assert event.day == 2
    assert event.kind == "symptom_change"
    assert event.source == "SUM-MX"
    assert "48 hours" in event.text


def test_the_check_starts_when_adequate_steroid_starts():
    lymphoma = replace(get_profile("typical-cop").sample(11), disease=Disease.LYMPHOMA)
    late = Plan((Order("prednisone", 40, DoseUnit.MG_PER_DAY, start_day=30, duration_days=60),))

    [event] = non_responses(simulate(lymphoma, late, 5))

    assert event.day == 32


def test_a_dose_below_full_potency_is_not_judged():
    lymphoma = replace(get_profile("typical-cop").sample(11), disease=Disease.LYMPHOMA)
    low = Plan((Order("prednisone", 15, DoseUnit.MG_PER_DAY, duration_days=60),))

    assert non_responses(simulate(lymphoma, low, 5)) == []


def test_a_patient_who_improves_within_48_hours_is_not_flagged(typical_patient):
    timelines = [simulate(typical_patient, get_plan("prednisone-standard"), s) for s in range(40)]
    early = [
        timeline
        for timeline in timelines
        if any(e.day <= 1 and "taking effect" in e.text for e in timeline.events)
    ]

    assert early
    assert all(non_responses(timeline) == [] for timeline in early)


@SETTINGS
@given(patient=patients, plan=plans, seed=seeds)
def test_the_signal_moves_no_other_event(patient, plan, seed):
    flagged = simulate(patient, plan, seed)
    unflagged = simulate(patient, plan, seed, CHECK_NEVER_DUE)

    others = tuple(e for e in flagged.events if e not in non_responses(flagged))
    assert others == unflagged.events
    assert flagged.series == unflagged.series
