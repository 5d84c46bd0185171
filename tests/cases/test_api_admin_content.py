"""The REST API, the educators' admin rights and the shipped content."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import services
from cases.checklist import publish_problems
from cases.content import case_snapshot
from cases.models import Attempt, Case, Investigation, Stage
from tests.cases.conftest import play_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_starts_an_attempt_and_orders_tests_through_the_same_services(
    learner_client, shipped_case
):
    started = learner_client.post(reverse("cases-api:start", args=["cough-after-antibiotics"]))
    assert started.status_code == HTTPStatus.CREATED
    pk = started.json()["id"]
    services.workup_begin(attempt=Attempt.objects.get(pk=pk))

    ordered = learner_client.post(
        reverse("cases-api:test-order", args=[pk]),
        {"investigations": ["hrct-chest"]},
        content_type="application/json",
    )
    advanced = learner_client.post(
        reverse("cases-api:clock-advance", args=[pk]),
        {"hours": None},
        content_type="application/json",
    )

    assert ordered.json()["cost_total"] == 250
    assert advanced.json()["clock_hours"] == 24
    assert (
        learner_client.get(reverse("cases-api:list")).json()[0]["slug"] == "cough-after-antibiotics"
    )


def test_the_api_refuses_bad_input_with_the_reason(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases-api:plan", args=[attempt.pk]),
        {"orders": [{"agent": "prednisone", "dose": 5, "unit": "mg/kg/day", "duration_days": 28}]},
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "between 0 and 1 mg/kg/day" in response.json()["detail"]


def test_the_api_takes_further_orders_through_the_same_service(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases-api:plan", args=[attempt.pk]),
        {
            "orders": [
                {
                    "agent": "methylprednisolone_pulse",
                    "dose": 1000,
                    "unit": "mg/day",
                    "duration_days": 3,
                },
                {"agent": "prednisone", "start_day": 3, "dose": 0.5, "duration_days": 28},
                {"agent": "stop_culprit"},
            ],
        },
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["stage"] == Stage.OUTCOME
    orders = attempt.plans.get().plan["orders"]
    assert [(o["agent"], o["start_day"], o["unit"]) for o in orders] == [
        ("methylprednisolone_pulse", 0, "mg/day"),
        ("prednisone", 3, "mg/kg/day"),
        ("stop_culprit", 0, None),
    ]


def test_the_api_names_the_order_a_refusal_is_about(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases-api:plan", args=[attempt.pk]),
        {
            "orders": [
                {"agent": "prednisone", "dose": 0.75, "unit": "mg/kg/day", "duration_days": 28},
                {"agent": "clarithromycin", "dose": 250, "duration_days": 91},
            ],
        },
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    message = "Dose for clarithromycin must be between 500 and 1000 mg/day, not 250."
    assert response.json() == {
        "detail": message,
        "code": "invalid",
        "fields": {"orders.1.dose": [message]},
    }
    assert not attempt.plans.exists()


def test_the_api_hides_a_strangers_attempt(client, attempt):
    client.force_login(UserFactory())

    for name in ("attempt", "test-order", "plan"):
        method = client.get if name == "attempt" else client.post
        assert method(reverse(f"cases-api:{name}", args=[attempt.pk])).status_code == 404


def test_an_educator_can_change_a_case_but_only_view_an_attempt(educator, educator_client, attempt):
    assert educator.has_perm("cases.change_case")
    assert educator.has_perm("cases.view_attempt")
    assert not educator.has_perm("cases.change_attempt")
    assert not educator.has_perm("cases.delete_testorder")

    case_page = educator_client.get(reverse("admin:cases_case_change", args=[attempt.case.pk]))
    attempt_page = educator_client.get(reverse("admin:cases_attempt_change", args=[attempt.pk]))

    assert case_page.status_code == HTTPStatus.OK
    assert 'name="_save"' in case_page.text
    assert attempt_page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in attempt_page.text


def test_a_learner_cannot_open_the_case_admin(learner_client, shipped_case):
    response = learner_client.get(reverse("admin:cases_case_changelist"))

    assert response.status_code == HTTPStatus.FOUND


def test_the_admin_publish_action_freezes_a_new_version(educator_client, attempt):
    response = educator_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "publish_new_version", "_selected_action": [attempt.case.pk]},
        follow=True,
    )

    next_number = attempt.case_version.number + 1
    assert f"version {next_number} published" in response.text
    assert attempt.case.versions.filter(number=next_number).exists()
    assert attempt.case.versions.count() == 2


def test_the_shipped_case_loads_with_seed_demo_and_is_playable():
    call_command("seed_demo")

    case = Case.objects.get(slug="cough-after-antibiotics")
    case.full_clean()
    snapshot = case_snapshot(case)
    assert publish_problems(case) == []
    assert len(snapshot["investigations"]) == Investigation.objects.count()
    assert all(q["options"] for q in snapshot["questions"])
    assert all(i["source"] for i in snapshot["investigations"] if i["appropriateness"] != "neutral")


def test_the_shipped_reports_describe_findings_without_naming_the_diagnosis(shipped_case):
    reports = " ".join(r.report.lower() for r in shipped_case.results.all())

    for name in ("organizing pneumonia", "organising pneumonia", "cop", "boop"):
        assert f" {name}" not in reports
