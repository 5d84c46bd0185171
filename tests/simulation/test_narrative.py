"""What the learner reads: no hint at the true diagnosis, relapse timing in a clinician's unit."""

from dataclasses import replace

import pytest

from cases.simulation import Disease, EventKind, SecondaryCause, get_plan, get_profile, simulate
from cases.simulation.narrative import how_long

MIMICS = [
    Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA,
    Disease.HYPERSENSITIVITY_PNEUMONITIS,
    Disease.COMMUNITY_ACQUIRED_PNEUMONIA,
]


@pytest.mark.parametrize("disease", MIMICS)
def test_a_mimic_course_never_names_organizing_pneumonia_before_death(disease):
    patient = replace(get_profile("typical-cop").sample(4), disease=disease)
    for seed in range(30):
        for event in simulate(patient, get_plan("prednisone-standard"), seed).events:
            if event.kind is not EventKind.DEATH:
                assert "organizing pneumonia" not in event.text.lower()


@pytest.mark.parametrize(
    ("days", "said"),
    [(3.2, "3 days"), (1.0, "1 day"), (20, "3 weeks"), (84, "12 weeks"), (210, "7 months")],
)
def test_durations_are_said_in_days_weeks_or_months(days, said):
    assert how_long(days) == said


def test_a_relapse_off_treatment_says_how_long_after_stopping():
    profile, plan = get_profile("typical-cop"), get_plan("prednisone-short")
    texts = [
        event.text
        for seed in range(60)
        for event in simulate(profile.sample(seed), plan, seed).events
        if event.kind is EventKind.RELAPSE and "after treatment stopped" in event.text
    ]
    assert texts
    assert all(text.split(" after treatment stopped")[0][-1] in "sy" for text in texts)


def test_a_secondary_relapse_says_whether_its_trigger_is_still_there():
    patient = replace(
        get_profile("typical-cop").sample(2),
        disease=Disease.SECONDARY_OP,
        secondary_cause=SecondaryCause.DRUG,
    )
    relapses = [
        event.text
        for seed in range(40)
        for event in simulate(patient, get_plan("prednisone-standard"), seed).events
        if event.kind is EventKind.RELAPSE
    ]
    assert any("trigger is still present" in text for text in relapses)


def test_a_radiation_relapse_says_no_trigger_acts_and_never_names_the_radiotherapy():
    profile, plan = get_profile("radiation-op"), get_plan("prednisone-short")
    texts = [
        event.text
        for seed in range(40)
        for event in simulate(profile.sample(seed), plan, seed).events
        if event.kind is not EventKind.DEATH
    ]
    relapses = [text for text in texts if "relapse" in text]
    assert relapses
    assert all("No trigger is still acting" in text for text in relapses)
    assert not any("radi" in text.lower() or "still present" in text for text in texts)
