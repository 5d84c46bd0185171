"""The plan endpoints take the plan v2 JSON of docs/engine.md, and refuse bad plans clearly."""

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from cases import services
from cases.models import Stage
from tests.cases.conftest import play_to

pytestmark = pytest.mark.django_db

ADJUNCTS = {"pneumocystis_prophylaxis": True, "bone_protection": True}


@pytest.fixture
def at_plan(shipped_case, learner):
    attempt = services.attempt_start(user=learner, case=shipped_case)
    play_to(attempt, Stage.PLAN)
    return attempt


@pytest.fixture
def api(learner):
    client = APIClient()
    client.force_authenticate(learner)
    return client


def prednisone(*taper, dose=0.75, unit="mg/kg/day"):
    return {
        "agent": "prednisone",
        "start_day": 0,
        "dose": dose,
        "unit": unit,
        "duration_days": 28,
        "taper": list(taper),
    }


def submit(api, attempt, body):
    return api.post(f"/api/cases/attempts/{attempt.pk}/plan/", body, format="json")


def test_each_taper_step_keeps_its_own_unit(api, at_plan):
    body = {
        "orders": [
            prednisone(
                {"dose": 0.5, "unit": "mg/kg/day", "days": 28},
                {"dose": 20, "unit": "mg/day", "days": 60},
            ),
            {"agent": "stop_culprit", "start_day": 0},
        ],
        "adjuncts": ADJUNCTS,
    }

    response = submit(api, at_plan, body)

    assert response.status_code == HTTPStatus.OK, response.json()
    saved = at_plan.plans.get().plan["orders"]
    assert [step["unit"] for step in saved[0]["taper"]] == ["mg/kg/day", "mg/day"]
    assert saved[1]["agent"] == "stop_culprit"


PULSE = {"agent": "methylprednisolone_pulse", "dose": 1000, "unit": "mg/day", "duration_days": 3}


def prednisone_from_day_3(*taper, dose=0.75):
    return {**prednisone(*taper, dose=dose), "start_day": 3}


def test_a_pulse_then_prednisone_from_day_3_with_its_own_taper_is_saved_as_written(api, at_plan):
    taper = [
        {"dose": 0.5, "unit": "mg/kg/day", "days": 28},
        {"dose": 20, "unit": "mg/day", "days": 60},
    ]
    body = {"orders": [PULSE, prednisone_from_day_3(*taper)], "adjuncts": ADJUNCTS}

    response = submit(api, at_plan, body)

    assert response.status_code == HTTPStatus.OK, response.json()
    pulse, later = at_plan.plans.get().plan["orders"]
    assert (pulse["start_day"], pulse["duration_days"]) == (0, 3)
    assert (later["agent"], later["start_day"], later["taper"]) == ("prednisone", 3, taper)
    rows = response.json()["plans"][0]["rows"]
    assert [(row["order"], row["from_day"], row["dose"]) for row in rows] == [
        (1, 0, "1000 mg/day"),
        (2, 3, "0.75 mg/kg/day"),
        (2, 31, "0.5 mg/kg/day"),
        (2, 59, "20 mg/day"),
    ]


@pytest.mark.parametrize(
    ("orders", "path", "words"),
    [
        (
            [PULSE, prednisone_from_day_3({"dose": 0.9, "unit": "mg/kg/day", "days": 28})],
            "orders.1.taper.0.dose",
            "a taper only goes down",
        ),
        (
            [PULSE, prednisone_from_day_3({"dose": 0.5, "days": 28}, {"dose": 0.25, "days": 0})],
            "orders.1.taper.1.days",
            "Taper step 2 ends before it starts",
        ),
        (
            [PULSE, {**prednisone(), "start_day": 1825}],
            "orders.1.start_day",
            "Start day must be a whole number between 0 and 1824",
        ),
        (
            [prednisone({"dose": 30, "unit": "mg/day", "days": 28}, dose=0.25)],
            "orders.0.taper.0.dose",
            "a taper only goes down",
        ),
        (
            [prednisone({"dose": 0.5, "unit": "grains", "days": 28})],
            "orders.0.taper.0.unit",
            "Taper step 1 unit must be mg/kg/day or mg/day for this agent, not 'grains'",
        ),
        ([prednisone(dose=3)], "orders.0.dose", "between 0 and 1 mg/kg/day"),
        (
            [prednisone(), {"agent": "clarithromycin", "dose": 250, "duration_days": 91}],
            "orders.1.dose",
            "between 500 and 1000 mg/day",
        ),
    ],
)
def test_a_bad_order_is_a_400_naming_the_order_the_field_and_the_range_and_saves_nothing(
    api, at_plan, orders, path, words
):
    response = submit(api, at_plan, {"orders": orders, "adjuncts": ADJUNCTS})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert words in body["detail"]
    assert list(body["fields"]) == [path]
    assert not at_plan.plans.exists()


def test_an_unknown_adjunct_is_refused_rather_than_ignored(api, at_plan):
    body = {"orders": [prednisone()], "adjuncts": {"vitamin_d": True}}

    response = submit(api, at_plan, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Unknown adjuncts vitamin_d" in str(response.json())
    assert not at_plan.plans.exists()


def test_the_old_form_shaped_body_is_refused_with_what_is_missing(api, at_plan):
    response = submit(api, at_plan, {"agent": "prednisone", "dose": 0.75, "unit": "mg/kg/day"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "orders" in response.json()["fields"]
    assert not at_plan.plans.exists()
