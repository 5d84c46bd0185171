"""Properties that must hold for every patient, plan and seed."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.simulation import (
    PLANS,
    PROFILES,
    DoseUnit,
    Order,
    Plan,
    TaperStep,
    get_plan,
    revise,
    simulate,
)

SETTINGS = settings(max_examples=40, deadline=None)

patients = st.builds(
    lambda name, seed: PROFILES[name].sample(seed),
    st.sampled_from(sorted(PROFILES)),
    st.integers(0, 2**32 - 1),
)
seeds = st.integers(0, 2**32 - 1)
taper_steps = st.lists(
    st.builds(TaperStep, st.floats(0.0, 1.0), st.integers(1, 120)), max_size=4
).map(tuple)
prednisone_plans = st.builds(
    lambda dose, start, duration, taper: Plan(
        (Order("prednisone", dose, DoseUnit.MG_PER_KG_PER_DAY, start, duration, taper),)
    ),
    st.floats(0.0, 1.0),
    st.integers(0, 400),
    st.integers(1, 400),
    taper_steps,
)
plans = st.one_of(st.sampled_from(list(PLANS.values())), prednisone_plans)
days = st.integers(0, 1824)


@SETTINGS
@given(patients, plans, seeds)
def test_same_patient_plan_and_seed_give_the_same_timeline(patient, plan, seed):
    assert simulate(patient, plan, seed) == simulate(patient, plan, seed)


@SETTINGS
@given(patients, plans, seeds)
def test_doses_are_never_negative_and_cumulative_dose_never_falls(patient, plan, seed):
    series = simulate(patient, plan, seed).series
    cumulative = series.cumulative_prednisone_mg
    assert min(series.prednisone_mg) >= 0
    assert all(later >= earlier for earlier, later in itertools.pairwise(cumulative))


@SETTINGS
@given(patients, plans, seeds)
def test_events_come_in_time_order_within_the_five_years(patient, plan, seed):
    event_days = [event.day for event in simulate(patient, plan, seed).events]
    assert event_days == sorted(event_days)
    assert all(0 <= day <= 1824 for day in event_days)


@SETTINGS
@given(patients, plans, seeds)
def test_nothing_happens_after_death(patient, plan, seed):
    events = simulate(patient, plan, seed).events
    deaths = [event.day for event in events if event.kind == "death"]
    assert len(deaths) <= 1
    if deaths:
        assert events[-1].kind == "death"


@SETTINGS
@given(patients, plans, seeds, days)
def test_revising_to_the_same_plan_changes_nothing(patient, plan, seed, day):
    original = simulate(patient, plan, seed)
    revised = revise(original, day, plan)
    assert revised.events == original.events
    assert revised.series == original.series


@SETTINGS
@given(patients, plans, plans, seeds, days)
def test_a_revision_leaves_everything_before_its_day_unchanged(patient, plan, new_plan, seed, day):
    original = simulate(patient, plan, seed)
    revised = revise(original, day, new_plan)
    assert revised.events_before(day) == original.events_before(day)
    for name in ("symptom_score", "spo2_pct", "prednisone_mg"):
        assert getattr(revised.series, name)[:day] == getattr(original.series, name)[:day]


@SETTINGS
@given(patients, seeds)
def test_prophylaxis_changes_nothing_until_pneumocystis_would_have_struck(patient, seed):
    with_prophylaxis = simulate(patient, get_plan("prednisone-standard"), seed)
    without = simulate(patient, get_plan("prednisone-standard-no-pjp"), seed)
    first_infection = next(
        (e.day for e in without.events if "Pneumocystis pneumonia" in e.text), 1825
    )
    assert with_prophylaxis.events_before(first_infection) == without.events_before(first_infection)
