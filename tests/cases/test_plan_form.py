"""The plan form: its dose table, and a revision form that starts from the current plan."""

import pytest
from django.urls import reverse

from cases import plans, services
from cases.content import CaseContent
from cases.models import Stage
from cases.simulation import DoseUnit, Order, Plan, TaperStep
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
    assert page.text.count('class="dose-preview" aria-live="polite"></p>') == 6
