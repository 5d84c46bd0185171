"""The case's one admin page: findings and model plan as fields, status only by actions."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.admin_forms import finding_help, finding_label
from cases.models import Attempt, Case, CaseResult, CaseResultValue, InterpretationQuestion
from cases.simulation import FINDINGS
from tests.cases.admin_page import form_data
from tests.factories import (
    CaseFactory,
    CaseResultFactory,
    InterpretationQuestionFactory,
    InvestigationFactory,
)

pytestmark = pytest.mark.django_db


TAPERED_PLAN = {
    "orders": [
        {
            "agent": "prednisone",
            "start_day": 0,
            "dose": 0.75,
            "unit": "mg/kg/day",
            "duration_days": 28,
            "taper": [
                {"dose": 0.5, "unit": "mg/kg/day", "days": 28},
                {"dose": 0.25, "unit": "mg/kg/day", "days": 126},
                {"dose": 10, "unit": "mg/day", "days": 91},
            ],
        }
    ],
    "adjuncts": {
        "pneumocystis_prophylaxis": True,
        "bone_protection": True,
        "glucose_monitoring": True,
        "blood_pressure_monitoring": True,
    },
}


def change_url(case: Case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def page_data(client, case: Case) -> dict:
    return form_data(client.get(change_url(case)).text)


def test_every_engine_finding_is_a_field_with_the_engines_unit_and_range(
    educator_client, shipped_case
):
    page = educator_client.get(change_url(shipped_case)).text

    for finding in FINDINGS:
        assert f'name="{finding.name}"' in page
    assert "FVC (% predicted)" in page
    assert "0 to 1000 % predicted" in page
    assert "Named culprit" in page
    assert 'name="engine_findings"' not in page
    assert 'name="model_plan"' not in page


def test_saving_the_shipped_case_unchanged_keeps_its_findings_and_model_plan(
    educator_client, shipped_case
):
    findings, plan = shipped_case.engine_findings, shipped_case.model_plan

    response = educator_client.post(
        change_url(shipped_case), page_data(educator_client, shipped_case)
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    shipped_case.refresh_from_db()
    assert shipped_case.engine_findings == {**findings, "secondary_cause": None, "culprit": ""}
    assert shipped_case.model_plan == plan


def test_every_bad_finding_of_one_save_is_shown_at_once_and_nothing_changes(educator_client):
    case = CaseFactory(model_plan=TAPERED_PLAN)
    data = page_data(educator_client, case)
    data |= {"fvc_pct": "-5", "spo2_pct": "120", "extent": "everywhere", "crp_mg_dl": ""}

    response = educator_client.post(change_url(case), data)

    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"fvc_pct", "spo2_pct", "extent", "crp_mg_dl"}
    case.refresh_from_db()
    assert case.engine_findings["fvc_pct"] == 68.0


def test_a_secondary_cause_on_a_cryptogenic_case_is_refused_beside_the_field(educator_client):
    case = CaseFactory(model_plan=TAPERED_PLAN)
    data = page_data(educator_client, case) | {"secondary_cause": "drug"}

    response = educator_client.post(change_url(case), data)

    assert "secondary_cause must be one of" in str(
        response.context["adminform"].form.errors["secondary_cause"]
    )


def test_a_culprit_without_a_secondary_cause_is_refused(educator_client):
    case = CaseFactory(model_plan=TAPERED_PLAN)
    data = page_data(educator_client, case) | {"culprit": "amiodarone"}

    response = educator_client.post(change_url(case), data)

    assert "culprit" in response.context["adminform"].form.errors


def test_the_model_plan_is_rows_and_a_refused_dose_is_named_beside_its_input(educator_client):
    case = CaseFactory(model_plan=TAPERED_PLAN)
    data = page_data(educator_client, case)
    assert data["plan_1_agent"] == "prednisone"
    assert data["plan_1_step_3_unit"] == "mg/day"
    data |= {"plan_1_dose": "5", "plan_2_dose": "3", "plan_1_step_2_days": "0"}

    response = educator_client.post(change_url(case), data)

    errors = response.context["adminform"].form.errors
    assert "Order 1, dose: must be between 0 and 1 mg/kg/day" in str(errors["plan_1_dose"])
    assert "Order 1, taper step 2, days" in str(errors["plan_1_step_2_days"])
    assert "Order 2, agent: choose one" in str(errors["plan_2_agent"])
    case.refresh_from_db()
    assert case.model_plan["orders"][0]["dose"] == 0.75


def test_clearing_every_order_leaves_the_engines_recommendation(educator_client):
    case = CaseFactory(model_plan=TAPERED_PLAN)
    data = {
        name: value
        for name, value in page_data(educator_client, case).items()
        if not name.startswith("plan_1_")
    }

    response = educator_client.post(change_url(case), data)

    assert response.status_code == HTTPStatus.FOUND
    case.refresh_from_db()
    assert case.model_plan == {}


def test_the_status_is_read_only_in_the_form(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    data = page_data(educator_client, case) | {"status": "published"}

    educator_client.post(change_url(case), data)

    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT


def test_a_question_added_under_a_result_belongs_to_that_results_case(educator_client):
    case = CaseFactory()
    data = page_data(educator_client, case)
    result_index = next(
        name.split("-")[1]
        for name, value in data.items()
        if name.endswith("-investigation")
        and value == str(case.results.get(investigation__key="surgery").investigation_id)
    )
    prefix = f"results-{result_index}-questions"
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-key": "biopsy-q",
        f"{prefix}-0-prompt": "What does the biopsy show?",
        f"{prefix}-0-source": "NEJM",
        f"{prefix}-0-position": "0",
        f"{prefix}-0-options-TOTAL_FORMS": "1",
        f"{prefix}-0-options-INITIAL_FORMS": "0",
        f"{prefix}-0-options-0-key": "plugs",
        f"{prefix}-0-options-0-text": "Intraluminal plugs",
        f"{prefix}-0-options-0-correct": "on",
        f"{prefix}-0-options-0-explanation": "They are the pattern.",
        f"{prefix}-0-options-0-position": "0",
    }

    response = educator_client.post(change_url(case), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    question = InterpretationQuestion.objects.get(key="biopsy-q")
    assert question.case == case
    assert question.result.investigation.key == "surgery"
    assert [option.key for option in question.options.all()] == ["plugs"]


@pytest.fixture
def case_with_crp() -> Case:
    case = CaseFactory(status=Case.Status.DRAFT)
    CaseResultFactory(
        case=case,
        investigation=InvestigationFactory(key="crp", name="CRP"),
        report="CRP 8.2 mg/dL.",
        values=[{"name": "CRP", "value": Decimal("8.2"), "unit": "mg/dL", "reference_high": 0.5}],
    )
    return case


def value_row(data: dict, name: str) -> str:
    """The form prefix of the structured value called ``name`` (results-N-values-M)."""
    return next(
        key.removesuffix("-name")
        for key, value in data.items()
        if "-values-" in key and key.endswith("-name") and value == name
    )


def test_a_reference_range_whose_low_end_is_not_below_its_high_end_is_refused_at_save(
    educator_client, case_with_crp
):
    data = page_data(educator_client, case_with_crp)
    data[f"{value_row(data, 'CRP')}-reference_low"] = "5"

    response = educator_client.post(change_url(case_with_crp), data)

    assert response.status_code == HTTPStatus.OK
    assert "The low end (5) must be below the high end (0.5)." in response.text
    assert CaseResultValue.objects.get(name="CRP").reference_low is None


def test_a_report_giving_a_value_another_number_is_refused_at_save(educator_client, case_with_crp):
    data = page_data(educator_client, case_with_crp)
    result = value_row(data, "CRP").split("-values-")[0]
    data[f"{result}-report"] = "CRP 15.4 mg/dL, ESR raised."

    response = educator_client.post(change_url(case_with_crp), data)

    assert response.status_code == HTTPStatus.OK
    assert (
        "Report: The report gives CRP as 15.4, but the value &#x27;CRP&#x27; is 8.2 mg/dL"
        in response.text
    )
    assert CaseResult.objects.get(investigation__key="crp").report == "CRP 8.2 mg/dL."


def test_a_value_changed_away_from_its_report_is_refused_at_save(educator_client, case_with_crp):
    data = page_data(educator_client, case_with_crp)
    data[f"{value_row(data, 'CRP')}-value"] = "9.9"

    response = educator_client.post(change_url(case_with_crp), data)

    assert "The report gives CRP as 8.2, but the value &#x27;CRP&#x27; is 9.9 mg/dL" in (
        response.text
    )
    assert CaseResultValue.objects.get(name="CRP").value == Decimal("8.2")


def test_a_report_and_its_values_changed_together_are_saved(educator_client, case_with_crp):
    data = page_data(educator_client, case_with_crp)
    row = value_row(data, "CRP")
    data[f"{row.split('-values-')[0]}-report"] = "CRP 9.9 mg/dL."
    data[f"{row}-value"] = "9.9"

    response = educator_client.post(change_url(case_with_crp), data)

    assert response.status_code == HTTPStatus.FOUND
    assert CaseResultValue.objects.get(name="CRP").value == Decimal("9.9")


def test_retiring_stops_new_attempts_but_one_under_way_plays_on(educator_client, learner):
    learner_client = Client()
    learner_client.force_login(learner)
    case = CaseFactory()
    attempt = services.attempt_start(user=learner, case=case)

    educator_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "retire", "_selected_action": [case.pk]},
    )

    case.refresh_from_db()
    assert case.status == Case.Status.RETIRED
    assert learner_client.get(reverse("cases:list")).context["cases"].count() == 0
    refused = learner_client.post(reverse("cases:start", args=[case.slug]))
    assert refused.status_code == HTTPStatus.NOT_FOUND
    assert learner_client.get(attempt.get_absolute_url()).status_code == HTTPStatus.OK
    assert Attempt.objects.filter(case=case).count() == 1


def test_only_a_published_case_can_be_retired(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)

    response = educator_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "retire", "_selected_action": [case.pk]},
        follow=True,
    )

    assert "Only a published case can be retired" in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT


def test_the_authoring_guide_documents_every_finding_as_the_form_shows_it(settings):
    guide = (settings.BASE_DIR / "docs" / "authoring.md").read_text()

    for finding in FINDINGS:
        row = f"| `{finding.name}` | {finding_label(finding)} | {finding_help(finding)} |"
        assert row in guide


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_the_case_page_reads_each_dropdown_once_and_only_nested_rows_grow(educator_client):
    """Dropdowns (tests, topics, diagnoses, therapies) are read once per page whatever the
    rows. Nested inlines read each parent's children with a query of their own (a result's
    values and questions, a question's options): that is django-nested-admin's formsets, so
    four more results with a question each cost at most 3 queries a result, nothing else."""
    small, large = CaseFactory(), CaseFactory()
    for number in range(4):
        InterpretationQuestionFactory(key=f"extra-{number}", result=CaseResultFactory(case=large))
    count_queries(educator_client, change_url(small))  # the first request fills admin's caches

    grown = count_queries(educator_client, change_url(large)) - count_queries(
        educator_client, change_url(small)
    )

    assert grown <= 3 * 4


@pytest.mark.parametrize(
    "url_name", ["admin:cases_case_changelist", "admin:cases_attempt_changelist"]
)
def test_the_case_and_attempt_lists_cost_the_same_queries_at_any_size(
    educator_client, learner, url_name
):
    url = reverse(url_name)
    services.attempt_start(user=learner, case=CaseFactory())
    few = count_queries(educator_client, url)
    for _ in range(4):
        services.attempt_start(user=learner, case=CaseFactory())

    assert count_queries(educator_client, url) == few
