"""Plan v2 JSON: the shape every door takes, read for one patient, refused row by row."""

import json
from dataclasses import replace

import pytest

from cases.simulation import (
    PLANS,
    Patient,
    PlanError,
    Sex,
    check_plan,
    get_profile,
    plan_from_json,
    plan_to_json,
)

ISSUE_PLAN = {
    "orders": [
        {
            "agent": "prednisone",
            "start_day": 0,
            "dose": 0.75,
            "unit": "mg/kg/day",
            "duration_days": 28,
            "taper": [
                {"dose": 0.5, "unit": "mg/kg/day", "days": 28},
                {"dose": 20, "unit": "mg/day", "days": 60},
            ],
        },
        {"agent": "stop_culprit", "start_day": 0},
    ],
    "adjuncts": {
        "pneumocystis_prophylaxis": True,
        "bone_protection": True,
        "glucose_monitoring": True,
        "blood_pressure_monitoring": True,
    },
}


@pytest.fixture
def small_patient() -> Patient:
    """A short woman: ideal body weight 45.5 kg, where mg/day doses meet per-kg limits."""
    patient = get_profile("typical-cop").sample(7)
    return replace(patient, sex=Sex.FEMALE, height_cm=152.4)


def problems_of(data: object, patient: Patient) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(PlanError) as refusal:
        plan_from_json(data, patient)
    return [(p.order, p.step, p.field) for p in refusal.value.problems]


def test_the_issue_plan_reads_and_round_trips(typical_patient):
    plan = plan_from_json(json.loads(json.dumps(ISSUE_PLAN)), typical_patient)
    prednisone = plan.orders[0]
    assert [step.unit for step in prednisone.taper] == ["mg/kg/day", "mg/day"]
    assert plan_from_json(plan_to_json(plan), typical_patient) == plan
    assert plan_to_json(plan)["orders"][1] == {"agent": "stop_culprit", "start_day": 0}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_every_built_in_plan_round_trips_and_passes_its_own_limits(name, typical_patient):
    plan = PLANS[name]
    assert plan_from_json(plan_to_json(plan), typical_patient) == plan
    check_plan(plan, typical_patient)


def test_every_problem_is_listed_with_its_order_step_and_field(typical_patient):
    data = {
        "orders": [
            {
                "agent": "prednisone",
                "dose": -1,
                "unit": "mg/kg/day",
                "duration_days": 28,
                "taper": [{"dose": 0.25, "unit": "mg/kg/day", "days": 0}],
            },
            {"agent": "aspirin", "start_day": 0},
            {"agent": "clarithromycin", "dose": 1000, "unit": "tablets", "duration_days": 91},
        ],
        "adjuncts": {"bone_protection": "yes", "vitamin_d": True},
    }
    assert problems_of(data, typical_patient) == [
        (1, None, "dose"),
        (1, 1, "days"),
        (2, None, "agent"),
        (3, None, "unit"),
        (None, None, "adjuncts"),
        (None, None, "adjuncts.bone_protection"),
    ]


def test_messages_name_the_order_the_field_and_the_range(typical_patient):
    data = {"orders": [{"agent": "prednisone", "dose": 80, "unit": "mg/day", "duration_days": 7}]}
    with pytest.raises(PlanError) as refusal:
        plan_from_json(data, typical_patient)
    assert str(refusal.value) == (
        "Order 1, dose: must be between 0 and 60 mg/day for prednisone, not 80"
    )


def test_a_mg_per_day_dose_cannot_bypass_the_per_kilogram_limit(small_patient):
    data = {"orders": [{"agent": "azathioprine", "dose": 150, "unit": "mg/day"}]}
    with pytest.raises(PlanError) as refusal:
        plan_from_json(data, small_patient)
    (problem,) = refusal.value.problems
    assert (problem.order, problem.field) == (1, "dose")
    assert "3.30 mg/kg" in problem.text
    assert "at most 2 mg/kg/day, here 91 mg/day" in problem.text


def test_azathioprine_started_high_is_accepted_for_the_rubric_to_judge(typical_patient):
    data = {"orders": [{"agent": "azathioprine", "dose": 100, "unit": "mg/day"}]}
    assert plan_from_json(data, typical_patient).orders[0].dose == 100


def test_a_rising_taper_is_refused_even_across_units(small_patient):
    data = {
        "orders": [
            {
                "agent": "prednisone",
                "dose": 0.5,
                "unit": "mg/kg/day",
                "duration_days": 28,
                "taper": [{"dose": 30, "unit": "mg/day", "days": 28}],
            }
        ]
    }
    with pytest.raises(PlanError, match="a taper only goes down"):
        plan_from_json(data, small_patient)


def test_a_step_without_a_unit_takes_the_orders_unit(typical_patient):
    data = {
        "orders": [
            {
                "agent": "prednisone",
                "dose": 40,
                "unit": "mg/day",
                "duration_days": 28,
                "taper": [{"dose": 20, "days": 28}],
            }
        ]
    }
    assert plan_from_json(data, typical_patient).orders[0].taper[0].unit == "mg/day"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "plan"),
        ({"orders": []}, "orders"),
        ({"orders": [{"agent": "observation", "dose": 5}]}, "dose"),
        ({"orders": [{"agent": "prednisone", "dose": "high"}]}, "dose"),
        (
            {"orders": [{"agent": "prednisone", "dose": 0.5, "taper": [{"dose": 0.2, "days": 7}]}]},
            "duration_days",
        ),
        (
            {"orders": [{"agent": "methylprednisolone_pulse", "dose": 1000, "duration_days": 7}]},
            "duration_days",
        ),
        ({"orders": [{"agent": "prednisone", "dose": 0.5, "start_day": 1825}]}, "start_day"),
        ({"orders": [{"agent": "prednisone", "dose": 0.5, "frequency": 2}]}, "order"),
        (
            {
                "orders": [
                    {"agent": "prednisone", "dose": 0.5, "duration_days": 28},
                    {"agent": "prednisone", "dose": 20, "unit": "mg/day", "start_day": 14},
                ]
            },
            "start_day",
        ),
    ],
)
def test_malformed_plans_are_refused_in_words_not_python(data, field, typical_patient):
    with pytest.raises(PlanError) as refusal:
        plan_from_json(data, typical_patient)
    assert field in [problem.field for problem in refusal.value.problems]
    assert "unexpected keyword" not in str(refusal.value)
    assert "Traceback" not in str(refusal.value)
