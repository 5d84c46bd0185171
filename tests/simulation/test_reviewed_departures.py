"""What the patient does under the plans a clinical review found the engine getting wrong.

Each test names the behaviour a pulmonologist expects and failed before its fix. Cohorts are
400 patients with seed 20240601: every comparison runs both arms on the same patients and the
same hazard clocks, so where the model says two arms must be equal they are equal exactly, and
where it says one must be higher the gap is many binomial errors (sqrt(0.25 / 400) = 2.5 points
for one fraction, less for a difference under common random numbers) wide.
"""

from functools import cache

from cases.simulation import (
    CohortSummary,
    DoseUnit,
    Order,
    Parameters,
    Plan,
    get_plan,
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
