"""simulate_cohort --case: the outcome fractions of a published case's own patients."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case

pytestmark = pytest.mark.django_db


def run(*arguments):
    out = StringIO()
    call_command("simulate_cohort", *arguments, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_case_cohort_matches_what_case_preview_reports_for_the_same_patients(
    shipped_case, tmp_path
):
    out = StringIO()
    call_command("case_preview", shipped_case.slug, "--model-plan", "--json", stdout=out)
    preview = json.loads(out.getvalue())
    plan = tmp_path / "model.json"
    plan.write_text(json.dumps(preview["plan"] | {"name": "model"}))

    summary = run("--case", shipped_case.slug, "--plan-json", str(plan), "--patients", "200")

    assert summary["patients"] == 200
    assert summary["relapse_5y"] == preview["model_plan_summary"]["relapse_5y"]
    assert summary["any_steroid_harm"] == preview["model_plan_summary"]["any_steroid_harm"]
    assert (
        summary["serious_adverse_event"] == (preview["model_plan_summary"]["serious_adverse_event"])
    )


def test_a_case_cohort_takes_a_built_in_plan_too(shipped_case):
    summary = run("--case", shipped_case.slug, "--plan", "observation", "--patients", "50")

    assert summary["improved_by_day_10"] < 0.2
    assert summary["persistent_disease_1y"] > 0.5


def test_an_unknown_case_is_refused_with_a_sentence(db):
    with pytest.raises(CommandError, match="no case has the slug 'no-such-case'"):
        call_command("simulate_cohort", "--case", "no-such-case", "--plan", "observation")


def test_a_draft_case_is_refused_with_what_to_do_instead(shipped_case):
    Case.objects.filter(pk=shipped_case.pk).update(status=Case.Status.DRAFT)

    with pytest.raises(CommandError, match="is a draft: only a published case's patients"):
        call_command("simulate_cohort", "--case", shipped_case.slug, "--plan", "observation")


def test_a_profile_and_a_case_together_are_refused(shipped_case):
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command(
            "simulate_cohort",
            "--profile",
            "typical-cop",
            "--case",
            shipped_case.slug,
            "--plan",
            "observation",
        )
