"""The player pages through the test client: permissions, htmx fragments, plain posts, resume."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases import plans, selectors, services
from cases.forms import PlanForm
from cases.models import Attempt, Stage
from cases.simulation import CITATIONS, DoseUnit, EventKind, Order, Plan, TaperStep, Timeline
from tests.cases.conftest import (
    PULSE_THEN_PREDNISONE,
    finish,
    play_to,
    same_day_sequel_seed,
    seed_where,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GET_PAGES = ["presentation", "workup", "interpretation", "diagnosis", "plan", "outcome", "debrief"]
POSTS = {
    "history-ask": {"item": "medications"},
    "workup-begin": {},
    "test-order": {"investigations": ["hrct-chest"]},
    "clock-advance": {"hours": "24"},
    "workup-finish": {},
    "answer": {"question": "ct-features", "options": ["distribution"]},
    "interpretation-finish": {},
    "diagnosis": {"primary": "cryptogenic-organizing-pneumonia", "confidence": "70"},
    "plan": {"agent": "prednisone", "dose": "0.75", "unit": "mg/kg/day", "duration_days": "28"},
    "plan-revise": {"agent": "prednisone", "dose": "20", "unit": "mg/day", "duration_days": "28"},
    "outcome-continue": {},
    "attempt-finish": {},
}


@pytest.fixture
def finished_attempt(attempt):
    return finish(play_to(attempt, Stage.OUTCOME))


def test_the_case_list_shows_published_cases_with_my_attempts(learner_client, attempt):
    response = learner_client.get(reverse("cases:list"))

    assert response.status_code == HTTPStatus.OK
    assert "The pneumonia that antibiotics did not touch" in response.text
    assert "Your attempts: 1" in response.text


def test_pages_need_a_login(client, attempt):
    for url in (reverse("cases:list"), reverse("cases:presentation", args=[attempt.pk])):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_stranger_gets_404_on_every_player_page(client, attempt, name):
    client.force_login(UserFactory())

    response = client.get(reverse(f"cases:{name}", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(("name", "data"), POSTS.items())
def test_a_stranger_gets_404_on_every_action_and_changes_nothing(client, attempt, name, data):
    client.force_login(UserFactory())
    before = Attempt.objects.values().get(pk=attempt.pk)

    response = client.post(reverse(f"cases:{name}", args=[attempt.pk]), data)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Attempt.objects.values().get(pk=attempt.pk) == before


@pytest.mark.parametrize("name", GET_PAGES)
def test_the_owner_sees_every_page_of_a_finished_attempt(learner_client, finished_attempt, name):
    response = learner_client.get(reverse(f"cases:{name}", args=[finished_attempt.pk]))

    assert response.status_code == HTTPStatus.OK


def test_a_page_ahead_of_the_attempt_redirects_to_where_it_is(learner_client, attempt):
    response = learner_client.get(reverse("cases:plan", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("cases:presentation", args=[attempt.pk])


def test_starting_from_the_case_page_opens_the_presentation(learner_client, shipped_case, learner):
    response = learner_client.post(reverse("cases:start", args=["cough-after-antibiotics"]))

    attempt = Attempt.objects.get(user=learner)
    assert response["Location"] == reverse("cases:presentation", args=[attempt.pk])
    page = learner_client.get(response["Location"])
    assert "Six weeks of dry cough" in page.text
    assert f"{attempt.patient['age']}-year-old" in page.text


def test_starting_past_the_limit_of_open_cases_says_why(learner_client, shipped_case, learner):
    for _ in range(services.MAX_OPEN_ATTEMPTS):
        services.attempt_start(user=learner, case=shipped_case)

    response = learner_client.post(reverse("cases:start", args=[shipped_case.slug]), follow=True)

    assert "cases in progress" in response.text
    assert Attempt.objects.filter(user=learner).count() == services.MAX_OPEN_ATTEMPTS


def test_ordering_with_htmx_returns_the_workup_fragment(learner_client, attempt):
    play_to(attempt, Stage.WORKUP)

    response = learner_client.post(
        reverse("cases:test-order", args=[attempt.pk]),
        {"investigations": ["hrct-chest", "crp-esr"]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.text.lstrip().startswith('<div id="workup-panel">')
    assert "<html" not in response.text
    assert "ready at hour 24" in response.text


def test_advancing_the_clock_without_js_redirects_and_shows_the_result(learner_client, attempt):
    play_to(attempt, Stage.WORKUP)
    services.test_order(attempt=attempt, investigation_keys=["hrct-chest"])

    response = learner_client.post(
        reverse("cases:clock-advance", args=[attempt.pk]), {"hours": "next"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("cases:workup", args=[attempt.pk])
    assert "reversed-halo focus" in response.text


def test_a_test_outside_the_catalog_gets_a_clear_message_and_changes_nothing(
    learner_client, attempt
):
    play_to(attempt, Stage.WORKUP)

    plain = learner_client.post(
        reverse("cases:test-order", args=[attempt.pk]),
        {"investigations": ["x-ray-vision"]},
        follow=True,
    )
    htmx = learner_client.post(
        reverse("cases:test-order", args=[attempt.pk]),
        {"investigations": ["x-ray-vision"]},
        headers={"HX-Request": "true"},
    )

    assert "x-ray-vision is not in this case&#x27;s test catalog." in plain.text
    assert htmx.status_code == HTTPStatus.BAD_REQUEST
    assert htmx["HX-Reswap"] == "none"
    assert "not in this case" in htmx.text
    assert not attempt.test_orders.exists()


def test_acting_out_of_order_over_http_shows_why(learner_client, attempt):
    response = learner_client.post(
        reverse("cases:clock-advance", args=[attempt.pk]), {"hours": "24"}, follow=True
    )

    assert "That step belongs to the work-up stage" in response.text
    attempt.refresh_from_db()
    assert attempt.clock_hours == 0


OUT_OF_ORDER_AT_THE_PRESENTATION = [
    ("test-order", {"investigations": ["hrct-chest"]}, "work-up"),
    ("workup-finish", {}, "work-up"),
    ("answer", {"question": "ct-features", "options": ["distribution"]}, "interpretation"),
    ("interpretation-finish", {}, "interpretation"),
    ("outcome-continue", {}, "outcome"),
    ("attempt-finish", {}, "outcome"),
]


@pytest.mark.parametrize(("name", "data", "stage"), OUT_OF_ORDER_AT_THE_PRESENTATION)
def test_every_action_taken_too_early_says_why_with_or_without_htmx(
    learner_client, attempt, name, data, stage
):
    url = reverse(f"cases:{name}", args=[attempt.pk])
    before = Attempt.objects.values().get(pk=attempt.pk)
    why = f"That step belongs to the {stage} stage; this attempt is at the presentation stage."

    plain = learner_client.post(url, data, follow=True)
    swapped = learner_client.post(url, data, headers={"HX-Request": "true"})

    assert plain.redirect_chain == [(reverse("cases:presentation", args=[attempt.pk]), 302)]
    assert why in plain.text
    assert swapped.status_code == HTTPStatus.CONFLICT
    assert swapped["HX-Reswap"] == "none"
    assert why in swapped.text
    assert Attempt.objects.values().get(pk=attempt.pk) == before


def test_answering_with_htmx_returns_the_question_marked_with_its_key(learner_client, attempt):
    play_to(attempt, Stage.INTERPRETATION)

    response = learner_client.post(
        reverse("cases:answer", args=[attempt.pk]),
        {"question": "ct-features", "options": ["distribution", "reversed-halo"]},
        headers={"HX-Request": "true"},
    )

    assert response.text.lstrip().startswith(
        '<section class="card question" id="question-ct-features"'
    )
    assert "Correct answer: " in response.text
    assert "relatively specific" not in response.text, "explanations wait for the debrief"
    assert "Score: 1.00" in response.text


def test_a_dose_outside_the_range_is_shown_on_the_form_and_nothing_is_saved(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {"agent": "prednisone", "dose": "1.5", "unit": "mg/kg/day", "duration_days": "28"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "must be between 0 and 1 mg/kg/day, not 1.5" in response.text
    assert 'value="1.5"' in response.text
    attempt.refresh_from_db()
    assert attempt.stage == Stage.PLAN
    assert not attempt.plans.exists()


def test_a_taper_that_ends_before_it_starts_is_shown_on_the_form(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            "agent": "prednisone",
            "dose": "0.75",
            "unit": "mg/kg/day",
            "duration_days": "28",
            "taper_dose_1": "0.5",
            "taper_days_1": "-14",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Taper step 1 ends before it starts" in response.text
    assert not attempt.plans.exists()


def test_the_dose_preview_shows_the_engine_milligrams_for_this_patient(learner_client, attempt):
    play_to(attempt, Stage.PLAN)
    expected = plans.dose_daily_mg(
        patient=services.treatment_patient(attempt), agent="prednisone", dose=0.5, unit="mg/kg/day"
    )

    response = learner_client.get(
        reverse("cases:dose-preview", args=[attempt.pk]),
        {"agent": "prednisone", "dose": "0.5", "unit": "mg/kg/day"},
        headers={"HX-Request": "true"},
    )

    assert f"= {expected:.1f} mg a day" in response.text


def test_each_taper_step_chooses_its_own_unit_and_is_saved_with_it(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            "agent": "prednisone",
            "dose": "0.75",
            "unit": "mg/kg/day",
            "duration_days": "28",
            "taper_dose_1": "0.5",
            "taper_days_1": "28",
            "taper_dose_2": "20",
            "taper_unit_2": "mg/day",
            "taper_days_2": "60",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    steps = attempt.plans.get().plan["orders"][0]["taper"]
    assert [(step["dose"], step["unit"]) for step in steps] == [
        (0.5, "mg/kg/day"),
        (20.0, "mg/day"),
    ]


def test_a_taper_step_in_mg_a_day_that_rises_above_the_start_is_refused_beside_it(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)
    start_mg = plans.dose_daily_mg(
        patient=services.treatment_patient(attempt), agent="prednisone", dose=0.25, unit=None
    )

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            "agent": "prednisone",
            "dose": "0.25",
            "unit": "mg/kg/day",
            "duration_days": "28",
            "taper_dose_1": f"{start_mg + 5:.0f}",
            "taper_unit_1": "mg/day",
            "taper_days_1": "28",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<ul class="errorlist" id="id_taper_dose_1_error">' in response.text
    assert "a taper only goes down" in response.text
    assert not attempt.plans.exists()


def test_a_revision_form_keeps_a_steps_own_unit_and_lets_the_rest_follow_the_order():
    """A step in the order's unit is left blank, so changing the order's unit moves it too."""
    order = Order(
        "prednisone",
        0.5,
        DoseUnit.MG_PER_KG_PER_DAY,
        0,
        28,
        (TaperStep(0.25, 28), TaperStep(10, 60, DoseUnit.MG_PER_DAY)),
    )

    initial = PlanForm.initial_for(Plan((order,)))

    assert (initial["taper_unit_1"], initial["taper_unit_2"]) == ("", "mg/day")
    assert (initial["taper_dose_2"], initial["taper_days_2"]) == (10, 60)


def test_the_taper_preview_uses_the_steps_own_unit(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.get(
        reverse("cases:dose-preview", args=[attempt.pk]),
        {
            **MAIN_ORDER,
            "taper_dose_1": "20",
            "taper_unit_1": "mg/day",
            "step": "1",
        },
        headers={"HX-Request": "true"},
    )

    assert 'id="taper-preview-1"' in response.text
    assert "20 mg/day = 20.0 mg a day for this patient" in response.text


def test_a_refused_plan_shows_every_rows_milligrams_without_typing_again(learner_client, attempt):
    play_to(attempt, Stage.PLAN)
    patient = services.treatment_patient(attempt)
    step_mg = plans.dose_daily_mg(patient=patient, agent="prednisone", dose=0.5, unit=None)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            **MAIN_ORDER,
            "taper_dose_1": "0.5",
            "taper_days_1": "-1",
            "order_2_agent": "clarithromycin",
            "order_2_dose": "1000",
            "order_2_duration_days": "91",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f"0.5 mg/kg/day = {step_mg:.1f} mg a day for this patient" in response.text
    assert "1000 mg/day = 1000.0 mg a day for this patient" in response.text


def fieldset(page: str, legend: str) -> str:
    """The markup of the plan form's fieldset with this legend."""
    return page.split(f"<legend>{legend}</legend>")[1].split("</fieldset>")[0]


MAIN_ORDER = {"agent": "prednisone", "dose": "0.75", "unit": "mg/kg/day", "duration_days": "28"}


def test_an_error_in_a_further_order_is_shown_in_its_own_row_and_nothing_is_saved(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            **MAIN_ORDER,
            "order_3_agent": "clarithromycin",
            "order_3_dose": "2000",
            "order_3_duration_days": "91",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    third = fieldset(response.text, "Order 3")
    assert (
        '<ul class="errorlist" id="id_order_3_dose_error"><li>Dose for clarithromycin must be '
        "between 500 and 1000 mg/day, not 2000.</li></ul>"
    ) in third
    assert 'aria-describedby="dose-preview-3 id_order_3_dose_error" aria-invalid="true"' in third
    assert 'value="2000"' in third
    assert "errorlist" not in fieldset(response.text, "Order 2")
    assert "errorlist" not in fieldset(response.text, "Order 1: main treatment")
    attempt.refresh_from_db()
    assert attempt.stage == Stage.PLAN
    assert not attempt.plans.exists()


def test_a_further_order_with_a_dose_but_no_treatment_is_refused_on_its_row(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]), {**MAIN_ORDER, "order_2_dose": "500"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose a treatment for order 2, or clear its other fields." in fieldset(
        response.text, "Order 2"
    )
    assert not attempt.plans.exists()


def test_a_plan_of_several_orders_is_listed_order_by_order_under_your_plans(
    learner_client, attempt
):
    play_to(attempt, Stage.PLAN)

    response = learner_client.post(
        reverse("cases:plan", args=[attempt.pk]),
        {
            "agent": "methylprednisolone_pulse",
            "dose": "1000",
            "unit": "mg/day",
            "duration_days": "3",
            "order_2_agent": "prednisone",
            "order_2_start_day": "3",
            "order_2_dose": "40",
            "order_2_unit": "mg/day",
            "order_2_duration_days": "28",
            "order_3_agent": "stop_culprit",
        },
        follow=True,
    )

    plans = response.text.split("<h2>Your plans</h2>")[1]
    rows = re.findall(
        r"<tr><td>(\d)</td><td>(.*?)</td><td>(\d+)\W(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>",
        plans,
    )
    assert rows == [
        ("1", "Methylprednisolone, intravenous pulse", "0", "2", "1000 mg/day", "1000.0"),
        ("2", "Prednisone, oral, once each morning", "3", "30", "40 mg/day", "40.0"),
        ("3", "Stop the culprit drug or exposure", "0", "1824", "no dose", "no dose"),
    ]


def test_the_dose_preview_of_a_further_order_answers_for_its_own_row(learner_client, attempt):
    play_to(attempt, Stage.PLAN)

    response = learner_client.get(
        reverse("cases:dose-preview", args=[attempt.pk]),
        {"order": "3", "order_3_agent": "clarithromycin", "order_3_dose": "500"},
        headers={"HX-Request": "true"},
    )

    assert response.text == (
        '<p id="dose-preview-3" class="dose-preview" aria-live="polite">'
        "500 mg/day = 500.0 mg a day for this patient</p>"
    )


def test_the_outcome_page_has_an_accessible_chart_and_timeline(learner_client, attempt):
    play_to(attempt, Stage.OUTCOME)

    response = learner_client.get(reverse("cases:outcome", args=[attempt.pk]))

    assert '<svg viewBox="0 0 720 360" role="img"' in response.text
    assert (
        '<title id="outcome-chart-title">Your patient&#x27;s course: first year</title>'
        in response.text
    )
    assert '<desc id="outcome-chart-desc">' in response.text
    assert re.search(r"(Weeks|Months) since treatment started</text>", response.text)
    assert "as a table</summary>" in response.text


def test_the_outcome_shows_no_results_of_tests_that_were_not_ordered(learner_client, attempt):
    """The engine's presenting bloods would show CRP and eosinophils, ordered or not, and
    call an outpatient's first day an admission."""
    play_to(attempt, Stage.OUTCOME)

    response = learner_client.get(reverse("cases:outcome", args=[attempt.pk]))

    assert "Admission bloods" not in response.text
    assert "eosinophils" not in response.text.split('class="timeline"')[1]


def test_the_course_chart_draws_every_order_of_every_plan(learner_client, attempt):
    play_to(attempt, Stage.OUTCOME, plan=PULSE_THEN_PREDNISONE)

    response = learner_client.get(reverse("cases:outcome", args=[attempt.pk]))

    lanes = response.text.split(" since treatment started</text>")[1]
    for agent in ("Methylprednisolone", "Prednisone", "Stop the culprit drug or exposure"):
        assert f'text-anchor="end">{agent}</text>' in lanes


def test_the_outcome_stops_at_the_decision_event_not_at_the_end_of_its_day(
    learner_client, shipped_case, learner, monkeypatch
):
    seed = same_day_sequel_seed(shipped_case)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    events = Timeline.from_dict(attempt.timeline).events
    decision, sequel = events[attempt.decision_event], events[attempt.decision_event + 1]
    assert sequel.day == decision.day

    response = learner_client.get(reverse("cases:outcome", args=[attempt.pk]))

    shown = re.findall(r'<li class="event event-[a-z_]+">(.*?)</li>', response.text)
    presenting_bloods = 1
    assert len(shown) == attempt.decision_event + 1 - presenting_bloods
    assert escape(decision.text) in shown[-1]
    box = response.text.split('id="decision-heading"')[1]
    assert f">Day {decision.day}: what now?</h2>" in box
    assert box.split('<p class="lead">')[1].startswith(escape(decision.text))


def test_no_improvement_after_48_hours_of_steroid_asks_the_learner_to_decide(
    learner_client, shipped_case, learner, monkeypatch
):
    seed = seed_where(
        shipped_case,
        lambda timeline, first: timeline.events[first].kind is EventKind.SYMPTOM_CHANGE,
    )
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)

    response = learner_client.get(reverse("cases:outcome", args=[attempt.pk]))

    box = response.text.split('id="decision-heading"')[1]
    assert ">Day 2: what now?</h2>" in box
    assert "After 48 hours of a full steroid dose there is no sign of improvement" in box
    assert "(Clinical summary: management of COP (2025))" in response.text


def test_the_revision_form_keeps_what_was_typed_until_it_is_sent(
    learner_client, shipped_case, learner, monkeypatch
):
    """A refused revision comes back marked bound, so the page shows what was sent rather
    than what the browser kept; a fresh outcome page lets the browser restore its copy."""
    seed = seed_where(shipped_case, lambda timeline, first: True)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    persisted = f'data-persist="revise-{attempt.pk}-{attempt.revealed_until_day}"'

    fresh = learner_client.get(reverse("cases:outcome", args=[attempt.pk])).text
    refused = learner_client.post(
        reverse("cases:plan-revise", args=[attempt.pk]), {"agent": "prednisone", "dose": "-1"}
    )

    assert f"{persisted}>" in fresh
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert f"{persisted} data-bound>" in refused.text


def test_the_debrief_shows_competencies_model_answer_and_counterfactual(
    learner_client, finished_attempt
):
    response = learner_client.get(reverse("cases:debrief", args=[finished_attempt.pk]))

    for text in (
        "Work-up",
        "Interpretation",
        "Diagnosis and calibration",
        "Management",
        "Safety",
        "Model answer",
        "Recommended plan",
        "same random seed",
        "King &amp; Lee",
        "What this case teaches",
        "Recognise and re-treat a relapse after a taper that was too fast.",
        "Your reading of the results",
        "relatively specific",
    ):
        assert text in response.text


def test_the_debrief_compares_two_hundred_patients_in_words_and_a_chart(
    learner_client, finished_attempt
):
    comparison = finished_attempt.cohort_comparison

    response = learner_client.get(reverse("cases:debrief", args=[finished_attempt.pk]))

    yours = comparison["yours"]
    assert (
        "Of 200 patients like this one (the same case, new patients, yours first), under "
        f"your plan {yours['relapsed']} relapse" in response.text
    )
    assert (
        '<title id="cohort-chart-title">200 patients like this one under each plan</title>'
        in response.text
    )
    assert "Recommended plan: five years</title>" in response.text
    serious = yours["serious_adverse"]
    noun = "has a serious adverse event" if serious == 1 else "have a serious adverse event"
    assert f"{serious} {noun}" in response.text
    assert '<th scope="row">have a serious adverse event</th>' in response.text
    assert '<th scope="row">are still ill on day 10</th>' in response.text


def test_a_debrief_kept_before_serious_adverse_events_were_counted_still_shows(
    learner_client, finished_attempt
):
    for arm in ("yours", "model"):
        for name in ("serious_adverse", "ill_day_10"):
            del finished_attempt.cohort_comparison[arm][name]
    finished_attempt.save(update_fields=["cohort_comparison"])

    response = learner_client.get(reverse("cases:debrief", args=[finished_attempt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "200 patients like this one" in response.text
    assert "have a serious adverse event</th>" not in response.text
    assert "are still ill on day 10</th>" not in response.text


def test_reloading_the_debrief_rebuilds_nothing(learner_client, finished_attempt, monkeypatch):
    learner_client.get(reverse("cases:debrief", args=[finished_attempt.pk]))
    rebuilt = []
    monkeypatch.setattr(selectors, "five_year_course", lambda *args: rebuilt.append(args))
    monkeypatch.setattr(services, "attempt_comparison", lambda **kwargs: rebuilt.append(kwargs))

    again = learner_client.get(reverse("cases:debrief", args=[finished_attempt.pk]))

    assert again.status_code == HTTPStatus.OK
    assert "200 patients like this one" in again.text
    assert rebuilt == []


def test_the_debrief_says_not_due_for_bone_protection_after_a_four_week_course(
    learner_client, finished_attempt
):
    response = learner_client.get(reverse("cases:debrief", args=[finished_attempt.pk]))

    row = response.text.split("Bone protection on courses of 90+ days</th>")[1].split("</tr>")[0]
    assert row == "<td>not due</td><td>Not due: 28 days on steroids, fewer than 90.</td>"


@pytest.mark.parametrize("stage", [s for s in Stage if s != Stage.DEBRIEF])
def test_leaving_and_coming_back_resumes_at_the_same_step_with_nothing_lost(
    client, learner, attempt, stage
):
    play_to(attempt, stage)
    if stage == Stage.WORKUP:
        services.test_order(attempt=attempt, investigation_keys=["hrct-chest"])
    saved = Attempt.objects.values().get(pk=attempt.pk)
    client.force_login(learner)

    resumed = client.get(reverse("cases:resume", args=[attempt.pk]), follow=True)

    assert resumed.redirect_chain[-1][0] == reverse(f"cases:{stage}", args=[attempt.pk])
    assert Attempt.objects.values().get(pk=attempt.pk) == saved
    assert resumed.context["attempt"].clock_hours == saved["clock_hours"]
    if stage == Stage.WORKUP:
        assert "ready at hour 24" in resumed.text
    detail = client.get(reverse("cases:detail", args=["cough-after-antibiotics"]))
    assert reverse("cases:resume", args=[attempt.pk]) in detail.text
    assert "Go back to the patient you started on" in detail.text


def test_the_progress_page_shows_attempts_competencies_and_a_score_chart(
    learner_client, finished_attempt
):
    response = learner_client.get(reverse("progress"))

    assert "Attempts started: <strong>1</strong>" in response.text
    assert "Average score by competency" in response.text
    assert "Case scores over time" in response.text


def test_the_player_header_says_when_the_learner_started_this_patient(learner_client, attempt):
    response = learner_client.get(reverse("cases:presentation", args=[attempt.pk]))

    header = response.text.split('class="player-header"')[1].split("</header>")[0]
    assert "you started this patient on" in header
    assert "version" not in header
    assert f"attempt {attempt.pk}" not in header


def _option_keys(page_html: str, question_key: str) -> list[str]:
    return re.findall(rf'id="opt-{question_key}-([a-z-]+)"', page_html)


def test_each_attempt_lists_options_and_diagnoses_in_its_own_order_kept_on_reload(
    shipped_case, learner_client, learner
):
    attempts = [services.attempt_start(user=learner, case=shipped_case) for _ in range(8)]
    orders, targets_first = set(), 0
    for attempt in attempts:
        play_to(attempt, Stage.INTERPRETATION)
        page = learner_client.get(reverse("cases:interpretation", args=[attempt.pk])).text
        again = learner_client.get(reverse("cases:interpretation", args=[attempt.pk])).text
        assert _option_keys(page, "ct-features") == _option_keys(again, "ct-features")
        orders.add(tuple(_option_keys(page, "ct-features")))
        play_to(attempt, Stage.DIAGNOSIS)
        form = learner_client.get(reverse("cases:diagnosis", args=[attempt.pk])).context["form"]
        primary = [key for key, _ in form.fields["primary"].choices if key]
        assert sorted(primary) == sorted(d["key"] for d in attempt.content.diagnoses)
        targets_first += primary[0] == "cryptogenic-organizing-pneumonia"

    assert len(orders) > 1
    assert targets_first < len(attempts)


GIVEAWAYS = [
    *(re.escape(escape(text)) for text in CITATIONS.values()),
    r"(?i)organi[sz]ing",
    r"\bCOP\b",
    r"(?i)this illness",
    r"Recognise and re-treat a relapse",
]


def _giveaways_in(html: str) -> list[str]:
    main = html.split('<main id="main"')[1].split("</main>")[0]
    return [pattern for pattern in GIVEAWAYS if re.search(pattern, main)]


def test_nothing_before_the_diagnosis_names_it_or_cites_a_source(learner_client, attempt):
    """Every history answer asked, every key result in, every question answered."""
    for item in attempt.content.history:
        services.history_ask(attempt=attempt, item_key=item["key"])
    pages = [
        reverse("cases:list"),
        reverse("cases:detail", args=[attempt.case.slug]),
        reverse("cases:presentation", args=[attempt.pk]),
    ]
    play_to(attempt, Stage.DIAGNOSIS)
    pages += [reverse("cases:workup", args=[attempt.pk])]
    pages += [reverse("cases:interpretation", args=[attempt.pk])]

    for url in pages:
        assert _giveaways_in(learner_client.get(url).text) == [], url


def test_the_differential_can_leave_out_the_primary_and_never_stores_it(learner_client, attempt):
    play_to(attempt, Stage.DIAGNOSIS)
    page = learner_client.get(reverse("cases:diagnosis", args=[attempt.pk])).text
    assert 'data-ddx-of="cryptogenic-organizing-pneumonia"' in page

    learner_client.post(
        reverse("cases:diagnosis", args=[attempt.pk]),
        {
            "primary": "cryptogenic-organizing-pneumonia",
            "confidence": "70",
            "ddx_cryptogenic-organizing-pneumonia": "likely",
            "ddx_community-acquired-pneumonia": "possible",
        },
    )

    attempt.refresh_from_db()
    assert attempt.diagnosis_submission.differential == {"community-acquired-pneumonia": "possible"}


def test_the_plan_form_keeps_what_was_typed_in_browser_storage_until_sent(learner_client, attempt):
    play_to(attempt, Stage.PLAN)
    url = reverse("cases:plan", args=[attempt.pk])

    fresh = learner_client.get(url).text
    refused = learner_client.post(url, {"agent": "prednisone", "dose": "-1"}).text

    assert f'data-persist="plan-{attempt.pk}">' in fresh
    assert f'data-persist="plan-{attempt.pk}" data-bound>' in refused
