"""What the patient does under the plans a clinical review found the engine getting wrong.

Each test names the behaviour a pulmonologist expects and failed before its fix. Cohorts are
400 patients with seed 20240601: every comparison runs both arms on the same patients and the
same hazard clocks, so where the model says two arms must be equal they are equal exactly, and
where it says one must be higher the gap is many binomial errors (sqrt(0.25 / 400) = 2.5 points
for one fraction, less for a difference under common random numbers) wide.
"""

from dataclasses import replace
from functools import cache

from cases.simulation import (
    CohortSummary,
    DoseUnit,
    Order,
    Parameters,
    Patient,
    Plan,
    get_plan,
    get_profile,
    member_seeds,
    recommended_plan,
    simulate_cohort,
    summarize_cohort,
)

PATIENTS = 400
SEED = 20240601
NO_WITHDRAWAL_RISE = Parameters().with_overrides({"relapse_off_treatment_factor": 1.0})


@cache
def cohort(profile: str, plan: Plan | str, params: Parameters | None = None) -> CohortSummary:
    return summarize_cohort(profile, plan, PATIENTS, SEED, params)


def clarithromycin(days: int) -> Plan:
    return Plan((Order("clarithromycin", 1000.0, DoseUnit.MG_PER_DAY, 0, days),))


STOP_DRUG_ONLY = Plan((Order("stop_culprit"),))


def test_a_pneumonia_given_clarithromycin_gets_better_as_on_the_empirical_antibiotics():
    """A macrolide is a pneumonia antibiotic: the patient improves and does not die of it."""
    on_macrolide = cohort("community-acquired-pneumonia", clarithromycin(7))
    on_antibiotics = cohort("community-acquired-pneumonia", "antibiotics")
    assert on_macrolide.improved_by_day_10 >= 0.85
    assert on_macrolide.improved_by_day_10 == on_antibiotics.improved_by_day_10
    assert on_macrolide.disease_death_5y == on_antibiotics.disease_death_5y == 0.0


def test_a_remission_reached_without_treatment_carries_no_rise_for_stopping_it():
    """Settling untreated, or once the drug is stopped, leaves no treatment to withdraw: its
    relapses do not depend on how much stopping a treatment raises them."""
    for profile, plan in (
        ("mild-cop-low-crp", get_plan("observation")),
        ("drug-induced-op", STOP_DRUG_ONLY),
    ):
        assert cohort(profile, plan).relapse_5y > 0
        assert (
            cohort(profile, plan).relapse_5y == cohort(profile, plan, NO_WITHDRAWAL_RISE).relapse_5y
        )


def test_a_remission_on_prednisone_still_relapses_more_once_it_is_stopped():
    """The other side of the rule above: a treated remission does lose its treatment."""
    stopped = cohort("typical-cop", "prednisone-short")
    assert (
        stopped.relapse_5y
        > cohort("typical-cop", "prednisone-short", NO_WITHDRAWAL_RISE).relapse_5y
    )


def drug_induced(*, mild: bool) -> list[Patient]:
    """The drug-induced cohort with its spirometry and oxygen set to meet SUM-MX's mild
    criteria or to fail them (impaired breathing, respiratory insufficiency)."""
    fvc, fev1, pao2 = (88.0, 84.0, 82.0) if mild else (62.0, 64.0, 58.0)
    profile = get_profile("drug-induced-op")
    return [
        replace(profile.sample(s), fvc_pct=fvc, fev1_pct=fev1, pao2_mmhg=pao2)
        for s in member_seeds(SEED, PATIENTS)
    ]


def test_stopping_the_drug_alone_settles_impaired_breathing_far_more_slowly_than_mild_disease():
    """NEJM lets severity decide and prefers steroids when breathing is impaired: on
    withdrawal alone most such patients are not better at the two-week check."""
    mild = simulate_cohort(drug_induced(mild=True), STOP_DRUG_ONLY, SEED)
    impaired = simulate_cohort(drug_induced(mild=False), STOP_DRUG_ONLY, SEED)
    assert impaired.treatment_failure >= 0.6
    assert impaired.treatment_failure >= mild.treatment_failure + 0.15


def test_connective_tissue_disease_left_untreated_kills_more_than_the_recommended_plan():
    """Deaths in secondary OP come from the illness behind it (NEJM): treating the lung
    alone, or nothing, leaves that illness to kill more often."""
    recommended = recommended_plan(get_profile("secondary-op").sample(SEED))
    treated = cohort("secondary-op", recommended).disease_death_5y
    assert treated > 0
    for plan in ("prednisone-standard", "observation"):
        assert cohort("secondary-op", plan).disease_death_5y >= 1.5 * treated


def test_clarithromycin_stopped_at_two_weeks_relapses_more_than_the_three_month_course():
    """The course a learner enters is the course given, and a macrolide stopped too soon
    brings relapse as a steroid course stopped too soon does (NEJM, MSD; SUM-MX: 3 months)."""
    two_weeks = cohort("mild-cop", clarithromycin(14)).relapse_1y
    three_months = cohort("mild-cop", clarithromycin(91)).relapse_1y
    assert two_weeks >= 1.5 * three_months
    assert cohort("mild-cop", clarithromycin(182)).relapse_1y <= three_months
