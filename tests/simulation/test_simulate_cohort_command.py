import json

import pytest
from django.core.management import CommandError, call_command

from cases.simulation import PROFILES, Disease, get_plan, plan_to_json

NEW_MEASURES = {
    "relapse_5y",
    "death_after_day_60",
    "persistent_disease_1y",
    "any_steroid_harm",
    "fracture_or_avn_5y",
    "adrenal_insufficiency",
    "serious_adverse_event",
    "median_cumulative_prednisone_mg",
}


def run_json(capsys, *arguments: str) -> dict:
    call_command("simulate_cohort", *arguments, "--json")
    return json.loads(capsys.readouterr().out)


def test_command_prints_one_json_object_with_every_statistic(capsys):
    call_command(
        "simulate_cohort",
        "--profile=mild-cop",
        "--plan=clarithromycin",
        "--patients=200",
        "--seed=5",
        "--json",
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["patients"] == 200
    assert summary["seed"] == 5
    assert 0 <= summary["relapse_1y"] <= 1
    assert {"improved_by_day_3", "treatment_failure", "spontaneous_improvement"} <= set(summary)


def test_command_lists_built_in_profiles_and_plans(capsys):
    call_command("simulate_cohort", "--list")
    listing = capsys.readouterr().out
    assert "typical-cop-cholestasis" in listing
    assert "methylprednisolone-pulse" in listing


def test_unknown_profile_fails_with_the_allowed_names():
    with pytest.raises(CommandError, match=r"profile must be one of \[.*'fulminant-op'"):
        call_command("simulate_cohort", "--profile=asthma", "--plan=observation")


def test_zero_patients_fails_with_the_allowed_range():
    with pytest.raises(CommandError, match="patients must be a whole number between 1"):
        call_command("simulate_cohort", "--profile=mild-cop", "--plan=observation", "--patients=0")


def test_a_plan_file_gives_the_same_cohort_as_the_built_in_plan_and_every_new_measure(
    capsys, tmp_path
):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_to_json(get_plan("prednisone-standard"))))
    common = ("--profile=typical-cop", "--patients=150", "--seed=3")
    from_file = run_json(capsys, *common, f"--plan-json={plan_file}")
    built_in = run_json(capsys, *common, "--plan=prednisone-standard")
    assert from_file == built_in
    assert set(from_file) >= NEW_MEASURES


def test_a_refused_plan_file_exits_with_the_refusal_sentence(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps({"orders": [{"agent": "prednisone", "dose": 90, "unit": "mg/day"}]})
    )
    with pytest.raises(CommandError, match="Order 1, dose: must be between 0 and 60 mg/day"):
        call_command("simulate_cohort", "--profile=typical-cop", f"--plan-json={plan_file}")


def test_a_plan_past_one_patients_per_kilogram_limit_names_that_patient(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps({"orders": [{"agent": "azathioprine", "dose": 150, "unit": "mg/day"}]})
    )
    with pytest.raises(CommandError, match=r"for patient \d+ of the cohort .* mg/kg"):
        call_command("simulate_cohort", "--profile=typical-cop", f"--plan-json={plan_file}")


def test_malformed_json_is_refused_with_its_position(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text('{"orders": [')
    with pytest.raises(CommandError, match=r"not valid JSON: .* line 1, column 13"):
        call_command("simulate_cohort", "--profile=typical-cop", f"--plan-json={plan_file}")


def test_there_is_a_profile_for_every_engine_disease_and_for_drug_induced_op():
    names = {disease.value.replace("_", "-") for disease in Disease} | {"drug-induced-op"}
    assert names <= set(PROFILES)
