"""A wrong diagnosis treated as COP must not behave like COP."""

from dataclasses import replace

from cases.simulation import (
    HORIZON_DAYS,
    Disease,
    Extent,
    Order,
    Plan,
    SecondaryCause,
    get_plan,
    get_profile,
    recommended_plan,
    simulate,
)

SEEDS = range(40)


def as_disease(disease, cause=None, extent=Extent.MULTIFOCAL):
    patient = get_profile("typical-cop").sample(11)
    return replace(patient, disease=disease, secondary_cause=cause, extent=extent)


def kinds(timeline):
    return [event.kind for event in timeline.events]


def symptoms_eased_by(timeline, day):
    """Improvement as the learner's chart shows it: a lower symptom score than at day 0."""
    scores = timeline.series.symptom_score
    return scores[day] is not None and scores[day] < scores[0]


def share(patient, plan, predicate):
    return sum(predicate(simulate(patient, plan, seed)) for seed in SEEDS) / len(SEEDS)


def test_pneumonia_on_steroids_alone_mostly_worsens_to_admission():
    """Untreated, a pneumonia worsens, kills or resolves; most are admitted first."""
    pneumonia = as_disease(Disease.COMMUNITY_ACQUIRED_PNEUMONIA)
    admitted = share(
        pneumonia, get_plan("prednisone-standard"), lambda t: "hospitalization" in kinds(t)
    )
    assert admitted > 0.5


def test_pneumonia_recovers_on_antibiotics_and_on_steroids_only_if_it_survives():
    """Steroids do nothing for a pneumonia: untreated it kills some, the rest resolve."""
    pneumonia = as_disease(Disease.COMMUNITY_ACQUIRED_PNEUMONIA)
    recovering = lambda t: "recovery" in kinds(t)  # noqa: E731
    dying = lambda t: "death" in kinds(t)  # noqa: E731
    on_antibiotics = share(pneumonia, recommended_plan(pneumonia), recovering)
    on_steroids = share(pneumonia, get_plan("prednisone-standard"), recovering)
    assert on_antibiotics >= 0.9
    assert on_steroids < on_antibiotics
    assert share(pneumonia, get_plan("prednisone-standard"), dying) > 0


def test_drug_induced_op_relapses_more_while_the_drug_is_continued():
    patient = as_disease(Disease.SECONDARY_OP, SecondaryCause.DRUG)
    steroids_only = get_plan("prednisone-standard")
    stop_drug = recommended_plan(patient)
    relapsing = lambda t: "relapse" in kinds(t)  # noqa: E731
    assert share(patient, steroids_only, relapsing) > share(patient, stop_drug, relapsing) + 0.2


def test_eosinophilic_pneumonia_responds_to_steroids():
    patient = as_disease(Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA)
    eased_early = lambda t: symptoms_eased_by(t, day=10)  # noqa: E731
    assert share(patient, get_plan("prednisone-standard"), eased_early) > 0.9


def test_lymphoma_does_not_improve_on_steroids():
    patient = as_disease(Disease.LYMPHOMA)
    ever_eased = lambda t: any(symptoms_eased_by(t, day) for day in range(HORIZON_DAYS))  # noqa: E731
    assert share(patient, get_plan("prednisone-standard"), ever_eased) == 0


def test_focal_op_is_cured_by_resection():
    patient = as_disease(Disease.FOCAL_OP, extent=Extent.FOCAL)
    timeline = simulate(patient, recommended_plan(patient), seed=5)
    assert [e.kind for e in timeline.events if e.day == 0][-1] == "recovery"
    assert "relapse" not in kinds(timeline)


def test_resecting_multifocal_disease_does_not_cure_it():
    patient = as_disease(Disease.TYPICAL_COP)
    plan = Plan((Order("surgical_resection", duration_days=1),))
    assert "Surgery removes one lesion" in " ".join(
        e.text for e in simulate(patient, plan, 5).events
    )


def test_recommended_plans_follow_the_disease():
    assert (
        recommended_plan(get_profile("fulminant-op").sample(1)).name == "methylprednisolone-pulse"
    )
    assert recommended_plan(get_profile("mild-cop").sample(1)).name == "clarithromycin"
    assert recommended_plan(get_profile("typical-cop").sample(1)).name == "prednisone-standard"
    drug_op = as_disease(Disease.SECONDARY_OP, SecondaryCause.DRUG)
    assert {o.agent for o in recommended_plan(drug_op).orders} == {"prednisone", "stop_culprit"}


def test_same_seed_gives_the_counterfactual_the_same_patient_luck():
    patient = get_profile("typical-cop").sample(3)
    learner = simulate(patient, get_plan("prednisone-short"), seed=9)
    expert = simulate(patient, recommended_plan(patient), seed=9)
    assert learner.events_before(42) == expert.events_before(42)
