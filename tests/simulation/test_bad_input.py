from dataclasses import replace

import pytest

from cases.simulation import (
    DoseUnit,
    Order,
    Parameters,
    Patient,
    Plan,
    TaperStep,
    get_plan,
    get_profile,
    revise,
    simulate,
    summarize_cohort,
)


def test_unknown_agent_names_the_field_and_the_catalog():
    with pytest.raises(ValueError, match=r"agent must be one of \[.*'prednisone'"):
        Order("hydroxychloroquine", 200.0)


def test_unknown_profile_lists_the_built_in_profiles():
    with pytest.raises(ValueError, match=r"profile must be one of \[.*'typical-cop'"):
        summarize_cohort("asthma", "observation", 10, seed=1)


def test_unknown_plan_lists_the_built_in_plans():
    with pytest.raises(ValueError, match=r"plan must be one of \[.*'prednisone-standard'"):
        summarize_cohort("typical-cop", "aspirin", 10, seed=1)


def test_negative_dose_is_rejected_with_the_allowed_range():
    with pytest.raises(ValueError, match="dose for prednisone must be between 0 and 1 mg/kg/day"):
        Order("prednisone", -0.5, start_day=0, duration_days=7)


def test_dose_above_the_agents_maximum_is_rejected():
    with pytest.raises(ValueError, match="between 0 and 60 mg/day, not 80"):
        Order("prednisone", 80.0, DoseUnit.MG_PER_DAY, 0, 7)


def test_unit_the_agent_does_not_offer_is_rejected():
    with pytest.raises(ValueError, match=r"unit for methylprednisolone_pulse must be one of"):
        Order("methylprednisolone_pulse", 1.0, DoseUnit.MG_PER_KG_PER_DAY, 0, 3)


@pytest.mark.parametrize("days", [0, -3])
def test_taper_step_of_zero_or_negative_days_is_rejected(days):
    with pytest.raises(ValueError, match=r"taper\[0\]\.days must be a whole number between 1"):
        Order("prednisone", 0.5, start_day=0, duration_days=7, taper=(TaperStep(0.25, days),))


def test_pulse_longer_than_five_days_is_rejected():
    with pytest.raises(ValueError, match="between 1 and 5 days, not 7"):
        Order("methylprednisolone_pulse", 1000.0, DoseUnit.MG_PER_DAY, 0, 7)


def test_dose_on_an_agent_that_takes_none_is_rejected():
    with pytest.raises(ValueError, match="dose for observation must be empty"):
        Order("observation", 5.0)


def test_revision_dated_before_the_current_day_is_rejected(typical_patient):
    timeline = simulate(typical_patient, get_plan("prednisone-standard"), seed=3)
    revised = revise(timeline, 60, get_plan("prednisone-short"))
    with pytest.raises(ValueError, match=r"effective_day must be a whole number between 60"):
        revise(revised, 30, get_plan("observation"))


def test_revision_past_the_last_day_is_rejected(typical_patient):
    timeline = simulate(typical_patient, get_plan("observation"), seed=3)
    with pytest.raises(ValueError, match="and 1824"):
        revise(timeline, 1825, get_plan("observation"))


def test_plan_from_form_data_with_unknown_field_is_rejected():
    with pytest.raises(ValueError, match=r"unknown order fields \['frequency'\]"):
        Plan.from_dict({"orders": [{"agent": "prednisone", "dose": 0.5, "frequency": 2}]})


def test_parameter_override_with_unknown_name_is_rejected():
    with pytest.raises(ValueError, match="unknown parameter 'relapse_rate'"):
        Parameters().with_overrides({"relapse_rate": 0.1})


def test_parameter_override_with_text_is_rejected():
    with pytest.raises(ValueError, match="relapse_rate_per_day must be a finite number"):
        Parameters().with_overrides({"relapse_rate_per_day": "high"})


def test_probability_override_above_one_is_rejected():
    with pytest.raises(ValueError, match="residual_probability_airspace must be between 0 and 1"):
        Parameters().with_overrides({"residual_probability_airspace": 1.5})


def test_negative_seed_is_rejected():
    with pytest.raises(ValueError, match="seed must be a whole number of at least 0"):
        simulate(get_profile("mild-cop").sample(1), get_plan("observation"), seed=-1)


@pytest.mark.parametrize("patients", [0, -5, 2.5])
def test_cohort_size_must_be_a_positive_whole_number(patients):
    with pytest.raises(ValueError, match="patients must be a whole number between 1"):
        summarize_cohort("typical-cop", "observation", patients, seed=1)


def test_unknown_disease_lists_the_allowed_diseases(typical_patient):
    data = {**typical_patient.to_dict(), "disease": "asthma"}
    with pytest.raises(ValueError, match=r"disease must be one of \[.*'typical_cop'"):
        Patient.from_dict(data)


def test_secondary_op_without_a_cause_is_rejected(typical_patient):
    data = {**typical_patient.to_dict(), "disease": "secondary_op"}
    with pytest.raises(ValueError, match="secondary_cause must be one of"):
        Patient.from_dict(data)


def test_shifting_a_plan_past_the_last_day_names_the_order_and_its_range():
    with pytest.raises(
        ValueError,
        match=r"orders\[1\]\.start_day must be between 0 and 0 in a plan that starts on day 1824",
    ):
        get_plan("methylprednisolone-pulse").shifted(1824)


def test_one_agent_ordered_twice_on_the_same_day_is_rejected():
    first = Order("prednisone", 0.75, DoseUnit.MG_PER_KG_PER_DAY, 0, 28)
    overlapping = Order("prednisone", 20.0, DoseUnit.MG_PER_DAY, 14, 28)
    with pytest.raises(
        ValueError, match=r"orders\[1\]\.start_day for prednisone must be on or after day 28"
    ):
        Plan((first, overlapping))
    assert Plan((first, replace(overlapping, start_day=28))).orders[1].start_day == 28


@pytest.mark.parametrize("days", [-1, 2.5, True])
def test_shifting_a_plan_by_a_negative_or_fractional_count_is_rejected(days):
    with pytest.raises(ValueError, match="days must be a whole number between 0 and 1824"):
        get_plan("prednisone-standard").shifted(days)
