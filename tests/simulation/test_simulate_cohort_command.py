import json

import pytest
from django.core.management import CommandError, call_command


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
