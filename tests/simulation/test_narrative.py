"""What the learner reads: no hint at the true diagnosis, relapse timing in a clinician's unit."""

from dataclasses import replace

import pytest

from cases.simulation import (
    PROFILES,
    Disease,
    EventKind,
    SecondaryCause,
    get_plan,
    get_profile,
    recommended_plan,
    simulate,
)
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


DIAGNOSIS_NAMES = (
    "organizing pneumonia",
    "organising pneumonia",
    "cryptogenic",
    "fulminant",
    "cicatricial",
    "adenocarcinoma",
    "lymphoma",
    "cancer",
    "eosinophilic",
    "hypersensitivity",
    "connective-tissue",
    "radiotherapy",
    "radiation",
    "bacterial pneumonia",
    "community-acquired",
)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_no_sentence_of_any_course_names_the_true_diagnosis_deaths_included(profile):
    """The outcome page comes before the debrief: every disease's sentences, the death
    included, say what happens without naming what the patient has."""
    for seed in range(15):
        patient = PROFILES[profile].sample(seed)
        for plan in (
            get_plan("prednisone-standard"),
            get_plan("observation"),
            recommended_plan(patient),
        ):
            for event in simulate(patient, plan, seed).events:
                named = [name for name in DIAGNOSIS_NAMES if name in event.text.lower()]
                assert not named, (profile, event.text)


@pytest.mark.parametrize("profile", ["typical-cop", "mild-cop", "drug-induced-op", "lymphoma"])
def test_day_0_is_no_admission_for_an_outpatient(profile):
    patient = get_profile(profile).sample(3)
    day_0 = [e for e in simulate(patient, get_plan("observation"), 3).events if e.day == 0]
    assert EventKind.HOSPITALIZATION not in [e.kind for e in day_0]


def test_a_fulminant_patient_is_admitted_on_day_0():
    patient = get_profile("fulminant-op").sample(3)
    day_0 = [e for e in simulate(patient, get_plan("observation"), 3).events if e.day == 0]
    assert day_0[0].kind is EventKind.HOSPITALIZATION
