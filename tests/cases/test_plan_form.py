"""The plan form: every order with its own start day and taper, its dose table, and a
revision form that starts from the current plan."""

import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.urls import reverse

from cases import plans, services
from cases.content import CaseContent
from cases.forms import PlanForm
from cases.models import Stage
from cases.simulation import AGENTS, DoseUnit, Order, Plan, TaperStep, plan_from_json
from cases.snapshot import Snapshot
from tests.cases.conftest import play_to, seed_where

pytestmark = pytest.mark.django_db

COURSE = Order(
    "prednisone",
    0.75,
    DoseUnit.MG_PER_KG_PER_DAY,
    10,
    14,
    taper=(TaperStep(0.5, 20), TaperStep(0.25, 30)),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (10, Order("prednisone", 0.75, DoseUnit.MG_PER_KG_PER_DAY, 0, 14, COURSE.taper)),
        (15, Order("prednisone", 0.75, DoseUnit.MG_PER_KG_PER_DAY, 0, 9, COURSE.taper)),
        (
            30,
            Order("prednisone", 0.5, DoseUnit.MG_PER_KG_PER_DAY, 0, 14, (TaperStep(0.25, 30),)),
        ),
        (60, Order("prednisone", 0.25, DoseUnit.MG_PER_KG_PER_DAY, 0, 14)),
        (5, Order("prednisone", 0.75, DoseUnit.MG_PER_KG_PER_DAY, 5, 14, COURSE.taper)),
    ],
)
def test_the_plan_from_a_day_continues_each_order_where_it_has_got_to(day, expected):
    assert plans.plan_from_day(Plan((COURSE,)), day).orders == (expected,)


def test_the_plan_from_a_day_drops_finished_orders_and_keeps_open_ended_ones():
    plan = Plan((COURSE, Order("stop_culprit")))

    assert plans.plan_from_day(plan, 200).orders == (Order("stop_culprit"),)


def test_the_dose_table_uses_each_weight_dosed_agents_own_range_and_skips_the_others(
    shipped_case,
):
    content = CaseContent(services.case_version_current(case=shipped_case).snapshot)
    patient = services.patient_sample(content=content, seed=1)

    rows = plans.dose_table(content=content, patient=patient)

    by_agent: dict[str, list[float]] = {}
    for row in rows:
        by_agent.setdefault(row["agent"], []).append(row["per_kg"])
    names = {t["agent"]: t["name"] for t in content.therapies}
    assert by_agent[names["prednisone"]] == [0.25, 0.5, 0.75, 1.0]
    assert by_agent[names["azathioprine"]] == [1.0, 1.333, 1.667, 2.0]
    assert names["clarithromycin"] not in by_agent


def test_the_revision_form_starts_from_the_plan_as_it_stands_that_day(
    learner_client, shipped_case, learner, monkeypatch
):
    """FAST_TAPER is 0.75 mg/kg for 14 days, then 0.25 mg/kg for 14: a decision on day D
    before day 13 leaves 13 - D days at the full dose and the whole taper step."""

    def early_decision(timeline, first):
        return timeline.events[first].day < 12

    seed = seed_where(shipped_case, early_decision)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    day = attempt.revealed_until_day

    response = learner_client.get(reverse("cases:outcome", args=[attempt.pk]))

    form = response.context["form"]
    assert form.initial["agent"] == "prednisone"
    assert form.initial["dose"] == 0.75
    assert form.initial["duration_days"] == 14 - (day + 1)
    assert (form.initial["taper_dose_1"], form.initial["taper_days_1"]) == (0.25, 14)
    assert form.initial["pneumocystis_prophylaxis"] is True
    assert f'value="{14 - (day + 1)}"' in response.text


def test_every_taper_step_shows_its_milligrams_for_this_patient(learner_client, attempt):
    play_to(attempt, Stage.PLAN)
    expected = plans.dose_daily_mg(
        patient=services.treatment_patient(attempt), agent="prednisone", dose=0.25, unit="mg/kg/day"
    )

    response = learner_client.get(
        reverse("cases:dose-preview", args=[attempt.pk]),
        {
            "order": "1",
            "step": "2",
            "agent": "prednisone",
            "unit": "mg/kg/day",
            "taper_dose_2": "0.25",
        },
    )

    assert response.text == (
        '<p id="taper-preview-2" class="dose-preview" aria-live="polite">'
        f"0.25 mg/kg/day = {expected:.1f} mg a day for this patient</p>"
    )
    page = learner_client.get(reverse("cases:plan", args=[attempt.pk]))
    every_step = plans.MAX_TAPER_STEPS * (plans.MAX_ADDITIONAL_ORDERS + 1)
    assert page.text.count('class="dose-preview" aria-live="polite"></p>') == every_step


PULSE_THEN_TAPER = {
    "agent": "methylprednisolone_pulse",
    "dose": "1000",
    "unit": "mg/day",
    "duration_days": "3",
    "order_2_agent": "prednisone",
    "order_2_start_day": "3",
    "order_2_dose": "0.75",
    "order_2_unit": "mg/kg/day",
    "order_2_duration_days": "28",
    "order_2_taper_dose_1": "0.5",
    "order_2_taper_days_1": "28",
    "order_2_taper_dose_2": "20",
    "order_2_taper_unit_2": "mg/day",
    "order_2_taper_days_2": "60",
    "pneumocystis_prophylaxis": "on",
}
"""Severe disease as a pulmonologist writes it: a three-day pulse, then prednisone from
day 3 with its own taper, the last step in mg/day."""


def order_fieldset(page: str, number: int) -> str:
    """The markup of order ``number``'s fieldset, its taper included."""
    legend = "Order 1: main treatment" if number == 1 else f"Order {number}"
    return page.split(f"<legend>{legend}</legend>")[1].split("</table>")[0]


def test_a_pulse_then_prednisone_from_day_3_with_its_own_taper_is_saved_as_written(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]), PULSE_THEN_TAPER, follow=True
    )

    assert response.status_code == HTTPStatus.OK
    pulse, prednisone = attempt.plans.get().plan["orders"]
    assert (pulse["agent"], pulse["start_day"], pulse["duration_days"]) == (
        "methylprednisolone_pulse",
        0,
        3,
    )
    assert (prednisone["start_day"], prednisone["dose"], prednisone["unit"]) == (
        3,
        0.75,
        "mg/kg/day",
    )
    assert prednisone["taper"] == [
        {"dose": 0.5, "unit": "mg/kg/day", "days": 28},
        {"dose": 20.0, "unit": "mg/day", "days": 60},
    ]
    listed = response.text.split("<h2>Your plans</h2>")[1]
    rows = re.findall(
        r"<tr><td>(\d)</td><td>[^<]*</td><td>(\d+)\W(\d+)</td><td>([^<]*)</td>", listed
    )
    assert rows == [
        ("1", "0", "2", "1000 mg/day"),
        ("2", "3", "30", "0.75 mg/kg/day"),
        ("2", "31", "58", "0.5 mg/kg/day"),
        ("2", "59", "118", "20 mg/day"),
    ]


def test_the_first_order_may_start_on_a_later_day_too(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            "agent": "prednisone",
            "start_day": "3",
            "dose": "0.75",
            "unit": "mg/kg/day",
            "duration_days": "28",
            "order_2_agent": "methylprednisolone_pulse",
            "order_2_dose": "1000",
            "order_2_duration_days": "3",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    orders = attempt.plans.get().plan["orders"]
    assert [(order["agent"], order["start_day"]) for order in orders] == [
        ("prednisone", 3),
        ("methylprednisolone_pulse", 0),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"order_2_taper_dose_1": "0.9"},
            "order_2_taper_dose_1",
            "Taper step 1 (0.9 mg/kg/day) is above the starting dose; a taper only goes down.",
        ),
        (
            {"order_2_taper_dose_2": "50"},
            "order_2_taper_dose_2",
            "a taper only goes down",
        ),
        (
            {"order_2_taper_days_1": "0"},
            "order_2_taper_days_1",
            "Taper step 1 ends before it starts: give it at least 1 day.",
        ),
        (
            {"order_2_taper_days_1": ""},
            "order_2_taper_days_1",
            "Taper step 1 needs both a dose and a length.",
        ),
        ({"order_2_start_day": "1825"}, "order_2_start_day", "Start day must be a whole number"),
        ({"order_2_duration_days": ""}, "order_2_duration_days", "full-dose duration"),
    ],
)
def test_a_refused_taper_or_start_day_of_a_further_order_is_shown_beside_that_input(
    learner_client, attempt, changes, field, words
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]), {**PULSE_THEN_TAPER, **changes}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    second = order_fieldset(response.text, 2)
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error"><li>(.*?)</li>', second)
    assert error is not None, second
    assert words in error[1]
    assert "errorlist" not in order_fieldset(response.text, 1)
    assert "errorlist" not in order_fieldset(response.text, 3)
    assert not attempt.plans.exists()


def test_a_taper_written_in_a_further_order_with_no_treatment_is_refused_on_its_row(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            "agent": "prednisone",
            "dose": "0.75",
            "unit": "mg/kg/day",
            "duration_days": "28",
            "order_3_taper_dose_1": "0.5",
            "order_3_taper_days_1": "28",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose a treatment for order 3, or clear its other fields." in order_fieldset(
        response.text, 3
    )
    assert not attempt.plans.exists()


def test_a_taper_step_of_a_further_order_shows_its_milligrams_for_this_patient(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)
    expected = plans.dose_daily_mg(
        patient=services.treatment_patient(attempt), agent="prednisone", dose=0.5, unit="mg/kg/day"
    )

    response = learner_client.get(
        reverse("cases:dose-preview", args=[attempt.pk]),
        {
            "order": "2",
            "step": "1",
            "order_2_agent": "prednisone",
            "order_2_unit": "mg/kg/day",
            "order_2_taper_dose_1": "0.5",
        },
        headers={"HX-Request": "true"},
    )

    assert response.text == (
        '<p id="taper-preview-2-1" class="dose-preview" aria-live="polite">'
        f"0.5 mg/kg/day = {expected:.1f} mg a day for this patient</p>"
    )


def test_every_order_has_a_labelled_start_day_and_taper_inside_its_own_fieldset(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    page = learner_client.get(reverse("cases:plan", args=[attempt.pk])).text

    for number in (1, 2, 3):
        markup = order_fieldset(page, number)
        prefix = "" if number == 1 else f"order_{number}_"
        assert f"<legend>Taper of order {number} after the full dose" in markup
        for name in ("start_day", "taper_dose_1", "taper_unit_1", "taper_days_6"):
            assert f'<label for="id_{prefix}{name}"' in markup or (
                f'<label class="visually-hidden" for="id_{prefix}{name}"' in markup
            ), name
            assert f'id="id_{prefix}{name}"' in markup, name
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", page)
    taper_labels = [label for label in labels if "step" in label.lower()]
    assert len(taper_labels) == len(set(taper_labels)) == 3 * 3 * plans.MAX_TAPER_STEPS


SHIPPED_MODEL_PLANS = [
    json.loads(path.read_text())["case"]["model_plan"]
    for path in sorted(Path(settings.BASE_DIR, "fixtures", "cases").glob("*.json"))
]


@pytest.mark.parametrize(
    "plan_json",
    [
        *SHIPPED_MODEL_PLANS,
        {
            "orders": [
                {"agent": "methylprednisolone_pulse", "dose": 1000, "duration_days": 3},
                {
                    "agent": "prednisone",
                    "start_day": 3,
                    "dose": 0.75,
                    "unit": "mg/kg/day",
                    "duration_days": 28,
                    "taper": [
                        {"dose": 0.5, "days": 28},
                        {"dose": 20, "unit": "mg/day", "days": 60},
                    ],
                },
                {"agent": "stop_culprit", "start_day": 0},
            ],
            "adjuncts": {"pneumocystis_prophylaxis": True},
        },
    ],
)
def test_the_form_gives_back_every_plan_it_has_room_for(plan_json):
    """What the revision form starts from, submitted unchanged, is the plan it came from:
    the shipped cases' model plans, and a pulse followed by a later order with a taper."""
    every_agent = [{"agent": name, "name": agent.label} for name, agent in AGENTS.items()]
    content = CaseContent(cast(Snapshot, {"therapies": every_agent}))
    plan = plan_from_json(plan_json)
    posted = {
        name: "on" if value is True else "" if value in (None, False) else str(value)
        for name, value in PlanForm.initial_for(plan).items()
    }

    form = PlanForm(posted, content=content)

    assert form.is_valid(), form.errors
    rebuilt = plans.plan_build(content=content, plan_input=form.plan_input())
    assert rebuilt.orders == plan.orders
    assert rebuilt.adjuncts == plan.adjuncts
