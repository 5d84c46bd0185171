import pytest

from cases.simulation import (
    DoseUnit,
    Order,
    Plan,
    Sex,
    TaperStep,
    get_agent,
    get_plan,
    ideal_body_weight_kg,
    simulate,
)


def test_ideal_body_weight_of_a_man_follows_the_devine_formula():
    assert ideal_body_weight_kg(175.0, Sex.MALE) == pytest.approx(50 + 2.3 * (175 - 152.4) / 2.54)


def test_ideal_body_weight_of_a_five_foot_woman_is_the_devine_base():
    assert ideal_body_weight_kg(152.4, Sex.FEMALE) == pytest.approx(45.5)


def test_per_kilogram_prednisone_is_multiplied_by_ideal_body_weight():
    prednisone = get_agent("prednisone")
    assert prednisone.daily_mg(0.75, DoseUnit.MG_PER_KG_PER_DAY, 62.0) == pytest.approx(46.5)


def test_prednisone_is_capped_at_60_mg_a_day_for_a_heavy_ideal_weight():
    prednisone = get_agent("prednisone")
    assert prednisone.daily_mg(1.0, DoseUnit.MG_PER_KG_PER_DAY, 85.0) == 60.0


def test_a_dose_in_mg_per_day_is_not_scaled_by_weight():
    assert get_agent("prednisone").daily_mg(20.0, DoseUnit.MG_PER_DAY, 85.0) == 20.0


def test_methylprednisolone_counts_one_and_a_quarter_times_as_prednisone():
    assert get_agent("methylprednisolone_pulse").prednisone_equivalence == 1.25


def test_an_order_without_unit_uses_the_agents_first_unit():
    assert Order("prednisone", 0.5, start_day=0, duration_days=7).unit is DoseUnit.MG_PER_KG_PER_DAY


def test_taper_steps_follow_the_first_dose_in_order():
    order = Order(
        "prednisone", 40.0, DoseUnit.MG_PER_DAY, 5, 10, taper=(TaperStep(20, 7), TaperStep(5, 3))
    )
    pieces = [(p.start, p.end, p.daily_mg) for p in order.dose_pieces(70.0)]
    assert pieces == [(5, 15, 40.0), (15, 22, 20.0), (22, 25, 5.0)]


def test_standard_plan_gives_075_then_05_then_025_mg_per_kg_and_stops_at_a_year(typical_patient):
    dose = simulate(typical_patient, get_plan("prednisone-standard"), seed=1).series.prednisone_mg
    weight = typical_patient.ideal_body_weight_kg
    assert dose[0] == pytest.approx(min(60.0, 0.75 * weight), abs=0.01)
    assert dose[28] == pytest.approx(0.5 * weight, abs=0.01)
    assert dose[181] == pytest.approx(0.25 * weight, abs=0.01)
    assert dose[364] > 0
    assert dose[365] == 0


def test_short_plan_is_off_prednisone_from_week_eight(typical_patient):
    dose = simulate(typical_patient, get_plan("prednisone-short"), seed=1).series.prednisone_mg
    assert dose[55] > 0
    assert max(dose[56:]) == 0


def test_cumulative_dose_is_the_running_sum_of_daily_doses(typical_patient):
    series = simulate(typical_patient, get_plan("prednisone-standard"), seed=1).series
    assert series.cumulative_prednisone_mg[-1] == pytest.approx(sum(series.prednisone_mg), abs=1)


def test_pulse_plan_gives_1250_mg_prednisone_equivalent_for_three_days(typical_patient):
    series = simulate(typical_patient, get_plan("methylprednisolone-pulse"), seed=1).series
    assert series.prednisone_mg[:3] == (1250.0, 1250.0, 1250.0)
    assert series.prednisone_mg[3] == pytest.approx(
        min(60.0, 0.75 * typical_patient.ideal_body_weight_kg), abs=0.01
    )


def test_a_resection_order_lasts_one_day_unless_told_otherwise():
    assert Order("surgical_resection", start_day=30).duration_days == 1


def test_a_shifted_plan_gives_the_same_doses_that_many_days_later():
    plan = get_plan("methylprednisolone-pulse")

    later = plan.shifted(30)

    for original, moved in zip(plan.orders, later.orders, strict=True):
        assert [(p.start + 30, p.end + 30, p.daily_mg) for p in original.dose_pieces(60.0)] == [
            (p.start, p.end, p.daily_mg) for p in moved.dose_pieces(60.0)
        ]
    assert later.adjuncts == plan.adjuncts
    assert later.name == plan.name


def test_a_later_order_keeps_its_own_start_day_and_taper_wherever_it_stands(typical_patient):
    """A pulse on days 0-2, then prednisone from day 3 with its taper: the engine gives each
    order's doses on its own days, whichever order is written first."""
    weight = typical_patient.ideal_body_weight_kg
    pulse = Order("methylprednisolone_pulse", 1000, DoseUnit.MG_PER_DAY, 0, 3)
    prednisone = Order(
        "prednisone",
        0.5,
        DoseUnit.MG_PER_KG_PER_DAY,
        start_day=3,
        duration_days=28,
        taper=(TaperStep(0.25, 28), TaperStep(10, 30, DoseUnit.MG_PER_DAY)),
    )

    for orders in ((pulse, prednisone), (prednisone, pulse)):
        dose = simulate(typical_patient, Plan(orders), seed=1).series.prednisone_mg
        assert dose[:3] == (1250.0, 1250.0, 1250.0)
        assert dose[3] == dose[30] == pytest.approx(0.5 * weight, abs=0.01)
        assert dose[31] == dose[58] == pytest.approx(0.25 * weight, abs=0.01)
        assert dose[59] == dose[88] == 10.0
        assert max(dose[89:]) == 0
