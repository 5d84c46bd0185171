"""case_preview: an author scores a plan over the case's patients before learners meet it."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cases.checklist import publish_problems
from cases.models import Case, ManagementRule

pytestmark = pytest.mark.django_db

FULL_ADJUNCTS = {
    "pneumocystis_prophylaxis": True,
    "bone_protection": True,
    "glucose_monitoring": True,
    "blood_pressure_monitoring": True,
}
STANDARD_COURSE = {
    "agent": "prednisone",
    "start_day": 0,
    "dose": 0.75,
    "unit": "mg/kg/day",
    "duration_days": 28,
    "taper": [
        {"dose": 0.5, "unit": "mg/kg/day", "days": 28},
        {"dose": 0.25, "unit": "mg/kg/day", "days": 126},
        {"dose": 0.125, "unit": "mg/kg/day", "days": 91},
        {"dose": 0.0625, "unit": "mg/kg/day", "days": 92},
    ],
}
WRONG_PLANS = {
    "1 mg/kg/day (at most 60 mg/day) for 12 months then stopped at once": [
        {"agent": "prednisone", "dose": 1, "unit": "mg/kg/day", "duration_days": 365}
    ],
    "full dose for 6 weeks then stopped": [
        {"agent": "prednisone", "dose": 0.75, "unit": "mg/kg/day", "duration_days": 42}
    ],
    "observation": [{"agent": "observation"}],
    "8 mg/day for a year": [
        {"agent": "prednisone", "dose": 8, "unit": "mg/day", "duration_days": 365}
    ],
    "the standard course plus azathioprine from day 0": [
        STANDARD_COURSE,
        {"agent": "azathioprine", "dose": 50, "unit": "mg/day", "duration_days": 28},
        {
            "agent": "azathioprine",
            "start_day": 28,
            "dose": 100,
            "unit": "mg/day",
            "duration_days": 337,
        },
    ],
}


def preview(*args):
    out = StringIO()
    call_command("case_preview", Case.objects.get().slug, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def plan_file(tmp_path, orders, adjuncts=FULL_ADJUNCTS):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"orders": orders, "adjuncts": adjuncts}))
    return str(path)


def test_the_model_plan_scores_in_full_over_two_hundred_of_the_cases_patients(shipped_case):
    result = preview("--model-plan")

    assert result["patients"] == 200
    assert (result["management"], result["safety"]) == (1.0, 1.0)
    assert result["summary"] == result["model_plan_summary"]
    assert {"relapse_5y", "death_5y", "any_steroid_harm"} <= set(result["summary"])
    assert all(check["score"] in (1.0, None) for check in result["checks"])


def test_the_model_plan_scores_clearly_above_each_plan_the_sources_warn_against(
    shipped_case, tmp_path
):
    """Clearly: at least 5 of the 40 points the plan decides (30 management, 10 safety)."""

    def points(result):
        return 30 * result["management"] + 10 * result["safety"]

    model = points(preview("--model-plan"))
    wrong = {
        name: points(preview("--plan-json", plan_file(tmp_path, orders)))
        for name, orders in WRONG_PLANS.items()
    }

    assert {name: model - score >= 5 for name, score in wrong.items()} == dict.fromkeys(
        WRONG_PLANS, True
    ), wrong


def check_scores(result):
    return {check["label"].split(",")[0]: check["score"] for check in result["checks"]}


def test_azathioprine_from_day_0_loses_safety_both_as_premature_and_through_its_harms(
    shipped_case, tmp_path
):
    orders = WRONG_PLANS["the standard course plus azathioprine from day 0"]
    result = preview("--plan-json", plan_file(tmp_path, orders))
    scores = check_scores(result)

    assert scores["No cytotoxic agent before steroids have failed"] == 0.0
    assert scores["Serious adverse events"] < 0.5
    assert result["summary"]["serious_adverse_event"] >= (
        3 * result["model_plan_summary"]["serious_adverse_event"]
    )


def test_eight_mg_a_day_for_a_year_leaves_the_disease_smouldering_and_loses_management(
    shipped_case, tmp_path
):
    result = preview("--plan-json", plan_file(tmp_path, WRONG_PLANS["8 mg/day for a year"]))

    assert result["summary"]["still_ill_day_10"] >= 0.5
    assert result["model_plan_summary"]["still_ill_day_10"] <= 0.05
    assert check_scores(result)["Prompt response"] < 0.2
    assert result["management"] <= 0.65


def test_a_refused_plan_exits_with_the_reason_and_names_the_field(shipped_case, tmp_path):
    too_much = [{"agent": "prednisone", "dose": 80, "unit": "mg/day", "duration_days": 30}]

    with pytest.raises(CommandError) as refused:
        preview("--plan-json", plan_file(tmp_path, too_much))

    assert str(refused.value) == (
        "The plan is refused. Order 1, dose: must be between 0 and 60 mg/day for prednisone, not 80"
    )


def test_a_dose_over_the_per_kilogram_limit_of_a_light_patient_is_refused(shipped_case, tmp_path):
    sixty = [{"agent": "prednisone", "dose": 60, "unit": "mg/day", "duration_days": 30}]

    with pytest.raises(CommandError, match="refused for a patient of ideal body weight"):
        preview("--plan-json", plan_file(tmp_path, sixty))


def test_a_file_that_is_not_json_is_refused_with_a_sentence(shipped_case, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("{orders: ")

    with pytest.raises(CommandError, match="is not valid JSON"):
        preview("--plan-json", str(path))


def test_a_rule_without_its_number_is_refused_when_saved(shipped_case):
    rule = ManagementRule(
        case=shipped_case,
        kind=ManagementRule.Kind.DOSE_PER_KG_BETWEEN,
        low=0.5,
        weight=1,
        explanation="Start at 0.5-1 mg/kg.",
        source="NEJM",
    )

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()

    assert refused.value.message_dict["high"] == ["A rule of this kind needs a high value."]


def test_a_rule_without_its_agents_is_refused_when_saved(shipped_case):
    rule = ManagementRule(
        case=shipped_case,
        kind=ManagementRule.Kind.PLAN_EXCLUDES,
        weight=1,
        explanation="No cytotoxics.",
        source="NEJM",
    )

    with pytest.raises(ValidationError, match="at least one engine agent"):
        rule.full_clean()


def test_publishing_names_a_rule_that_lacks_its_number_instead_of_failing_later(shipped_case):
    ManagementRule.objects.filter(case=shipped_case, kind="course_days_at_most").update(high=None)

    problems = publish_problems(shipped_case)

    assert [(p.row, p.field) for p in problems] == [
        ("Management rule 6 ('Steroid course lasts at most high days')", "high")
    ]


def test_a_model_plan_the_engine_refuses_is_refused_when_saved(shipped_case):
    shipped_case.model_plan = {"orders": [{"agent": "prednisone", "dose": 5, "unit": "mg/kg/day"}]}

    with pytest.raises(ValidationError) as refused:
        shipped_case.full_clean()

    assert "model_plan" in refused.value.message_dict
