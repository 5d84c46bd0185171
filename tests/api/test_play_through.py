"""A script with a token plays the shipped case from start to debrief and a quiz from
start to results through the REST API alone: no page is requested."""

from http import HTTPStatus

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases import services as case_services
from tests.cases.conftest import KEY_TESTS, RIGHT_ANSWERS, relapsing_seed
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

PLAN = {
    "orders": [
        {
            "agent": "prednisone",
            "start_day": 0,
            "dose": 0.75,
            "unit": "mg/kg/day",
            "duration_days": 14,
            "taper": [{"dose": 0.25, "unit": "mg/kg/day", "days": 14}],
        }
    ],
    "adjuncts": {"pneumocystis_prophylaxis": True},
}
RETREATMENT = {
    "orders": [
        {
            "agent": "prednisone",
            "dose": 20,
            "unit": "mg/day",
            "duration_days": 28,
            "taper": [
                {"dose": 15, "unit": "mg/day", "days": 60},
                {"dose": 10, "unit": "mg/day", "days": 90},
                {"dose": 5, "unit": "mg/day", "days": 90},
            ],
        }
    ],
    "adjuncts": {"bone_protection": True, "glucose_monitoring": True},
}


@pytest.fixture
def api(learner):
    """A client that authenticates with a token only: no session, no CSRF cookie."""
    client = APIClient(enforce_csrf_checks=True)
    token = Token.objects.create(user=learner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def post(api, path, body=None, status=HTTPStatus.OK):
    response = api.post(path, body, format="json")
    assert response.status_code == status, response.json()
    return response.json()


def test_a_token_plays_the_shipped_case_from_start_to_debrief(api, shipped_case, monkeypatch):
    monkeypatch.setattr(case_services, "new_seed", lambda: relapsing_seed(shipped_case))
    state = post(api, f"/api/cases/{shipped_case.slug}/attempts/", status=HTTPStatus.CREATED)
    base = f"/api/cases/attempts/{state['id']}/"

    state = post(api, f"{base}history/", {"item": "medications"})
    asked = next(item for item in state["history"] if item["key"] == "medications")
    assert asked["asked"]
    assert asked["answer"]
    post(api, f"{base}workup/begin/")
    state = post(api, f"{base}tests/", {"investigations": KEY_TESTS})
    assert state["cost_total"] > 0
    assert not any(order["ready"] for order in state["orders"])
    while any(not order["ready"] for order in state["orders"]):
        state = post(api, f"{base}clock/", {"hours": None})
    assert all(order["report"] for order in state["orders"])
    state = post(api, f"{base}workup/finish/")
    for question in state["questions"]:
        state = post(
            api,
            f"{base}answers/",
            {"question": question["key"], "options": RIGHT_ANSWERS[question["key"]]},
        )
    assert all(q["answer"]["score"] == 1 for q in state["questions"])
    post(api, f"{base}interpretation/finish/")
    state = post(
        api,
        f"{base}diagnosis/",
        {
            "primary": "cryptogenic-organizing-pneumonia",
            "confidence_pct": 80,
            "differential": {"community-acquired-pneumonia": "possible"},
        },
    )
    assert state["stage"] == "plan"
    state = post(api, f"{base}plan/", PLAN)
    assert state["stage"] == "outcome"
    assert state["decision_open"]
    outcome = api.get(f"{base}outcome/").json()
    assert outcome["decision_event"]["kind"] == "relapse"

    state = post(api, f"{base}plan/revisions/", RETREATMENT)
    assert [plan["number"] for plan in state["plans"]] == [0, 1]
    while state["decision_open"]:
        state = post(api, f"{base}outcome/continue/")
    state = post(api, f"{base}finish/")

    assert state["stage"] == "debrief"
    debrief = api.get(f"{base}debrief/").json()
    assert debrief["score"] == state["score"]
    assert debrief["competencies"]
    assert all(competency["checks"] for competency in debrief["competencies"])
    assert debrief["counterfactual"]["plan"]["rows"]
    assert debrief["counterfactual"]["summary"]["alive_at_5y"] in (True, False)
    assert debrief["diagnoses"]
    assert debrief["rules"]


def test_a_token_takes_a_quiz_from_start_to_results(api):
    quiz = QuizFactory(questions=[QuestionFactory(), QuestionFactory()], mode="exam")
    attempt = post(api, f"/api/quizzes/{quiz.slug}/attempts/", status=HTTPStatus.CREATED)
    base = f"/api/quizzes/attempts/{attempt['id']}/"

    first, second = attempt["responses"]
    post(api, f"{base}flag/", {"question": second["question"], "flagged": True})
    saved = post(
        api,
        f"{base}responses/",
        {"question": first["question"], "choices": [first["choices"][0]["id"]], "version": 0},
    )
    assert saved["version"] == 1
    assert api.get(f"{base}results/").status_code == HTTPStatus.CONFLICT
    post(api, f"{base}finish/")
    results = api.get(f"{base}results/").json()

    assert results["state"] == "finished"
    assert results["max_score"] == 2
    assert [r["flagged"] for r in results["responses"]] == [False, True]
    assert "peers_percent_correct" in results["responses"][0]
