"""A new learner plays the shipped case in Chromium from presentation to debrief.

The relapse is real engine output: the test searches for a seed whose patient relapses
under the fast taper it is about to prescribe, then fixes the attempt's seed through the
documented hook ``cases.services.new_seed`` (the live server runs in this process).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import services
from cases.models import Attempt, Stage
from tests.cases.conftest import play_to, relapsing_seed
from tests.conftest import shipped_case_load
from tests.e2e.browsing import log_in
from tests.factories import UserFactory


@pytest.fixture
def relapsing_case(transactional_db, monkeypatch):
    seed = relapsing_seed(shipped_case_load())
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    return seed


def test_a_learner_plays_the_case_through_a_relapse_to_the_debrief(page, relapsing_case):
    user = UserFactory(username="grace")
    log_in(page, "grace")

    page.goto("/cases/")
    page.get_by_role("link", name="The pneumonia that antibiotics did not touch").click()
    page.get_by_role("button", name="Start the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Presentation")

    page.get_by_role("button", name=re.compile("Which medicines do you take")).click()
    expect(
        page.locator("main").get_by_text("Just my blood-pressure tablet, amlodipine")
    ).to_be_visible()
    page.get_by_role("button", name="Begin the work-up").click()

    for test in (
        "High-resolution CT of the chest",
        "Bronchoscopy with bronchoalveolar lavage",
        "Connective-tissue disease serology and CK",
        "C-reactive protein and ESR",
    ):
        page.get_by_label(re.compile(re.escape(test))).check()
    page.get_by_role("button", name="Order selected tests").click()
    expect(page.locator("main").get_by_text("Cost so far: €1010")).to_be_visible()
    expect(page.get_by_role("heading", name="Pending")).to_be_visible()
    for results in range(1, 5):
        page.get_by_role("button", name="Until the next result").click()
        expect(page.locator(".status-bar")).to_contain_text(f"Results: {results}")
    expect(page.get_by_role("heading", name="Pending")).to_have_count(0)
    expect(page.get_by_text("reversed-halo focus")).to_be_visible()
    page.get_by_role("button", name="Close the work-up and interpret").click()

    ct = page.locator("#question-ct-features")
    ct.get_by_label(re.compile("Peripheral, subpleural")).check()
    ct.get_by_label(re.compile("ring of consolidation")).check()
    ct.get_by_role("button", name="Answer").click()
    expect(ct.get_by_text("Score: 1.00")).to_be_visible()
    for key, option in (
        ("bal-meaning", "It argues against infection"),
        ("serology-why", "can come weeks or months before"),
    ):
        question = page.locator(f"#question-{key}")
        question.get_by_label(re.compile(option)).check()
        question.get_by_role("button", name="Answer").click()
        expect(question.get_by_text("Score: 1.00")).to_be_visible()
    page.get_by_role("button", name="Go on to the diagnosis").click()

    page.get_by_label("Primary diagnosis").select_option("cryptogenic-organizing-pneumonia")
    page.get_by_label(re.compile("How confident")).fill("80")
    page.get_by_label("Community-acquired bacterial pneumonia").select_option("possible")
    page.get_by_role("button", name="Commit to this diagnosis").click()

    page.get_by_label("Agent").select_option("prednisone")
    page.get_by_label("Starting dose").fill("0.75")
    expect(page.locator("#dose-preview")).to_contain_text("mg a day for this patient")
    page.get_by_label("Full-dose duration (days)").fill("14")
    page.get_by_label("Step 1 dose").fill("0.25")
    page.get_by_label("Step 1 days").fill("14")
    page.get_by_label(re.compile("Pneumocystis prophylaxis")).check()
    page.get_by_role("button", name="Start treatment and follow the patient").click()

    expect(page.get_by_role("heading", name=re.compile("what now"))).to_be_visible()
    expect(page.locator(".event-relapse").last).to_contain_text("relapse")
    expect(page.locator("svg[role=img] title").first).to_contain_text("Your patient's course")

    page.get_by_label("Starting dose").fill("20")
    page.get_by_label("Unit", exact=True).select_option("mg/day")
    page.get_by_label("Full-dose duration (days)").fill("28")
    for step, (dose, days) in enumerate(((15, 60), (10, 90), (5, 90)), start=1):
        page.get_by_label(f"Step {step} dose").fill(str(dose))
        page.get_by_label(f"Step {step} days").fill(str(days))
    page.get_by_label("Bone protection").check()
    page.get_by_role("button", name="Start the revised plan").click()
    expect(page.get_by_role("heading", name="Revision 1", exact=False)).to_be_visible()

    while page.get_by_role("button", name="Keep the current plan and continue").count():
        page.get_by_role("button", name="Keep the current plan and continue").click()
    page.get_by_role("button", name="Go to the debrief").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Debrief")
    expect(page.get_by_role("heading", name=re.compile(r"Score: [0-9.]+ . 100"))).to_be_visible()
    expect(page.get_by_role("table", name="Score by competency")).to_contain_text("Management")
    expect(
        page.get_by_role("heading", name="The same patient under the recommended plan")
    ).to_be_visible()
    attempt = Attempt.objects.get(user=user)
    assert attempt.seed == relapsing_case
    assert attempt.plans.count() >= 2
    assert attempt.score is not None


@pytest.fixture
def at_plan(transactional_db):
    """A learner whose attempt on the shipped case waits at the plan, logged in by
    ``log_in``; the earlier steps are played through the services."""
    user = UserFactory(username="hilde")
    attempt = services.attempt_start(user=user, case=shipped_case_load())
    return play_to(attempt, Stage.PLAN)


def test_a_pulse_then_prednisone_from_day_3_with_its_own_taper_is_typed_by_keyboard(page, at_plan):
    """Each order is a labelled group; the second order's taper lies inside it, and the
    keyboard walks its step in order: dose, unit, days."""
    log_in(page, "hilde")
    page.goto(reverse("cases:plan", args=[at_plan.pk]))

    first = page.get_by_role("group", name="Order 1: main treatment")
    first.get_by_label("Agent").select_option("methylprednisolone_pulse")
    first.get_by_label("Starting dose").fill("1000")
    first.get_by_label("Unit", exact=True).select_option("mg/day")
    first.get_by_label("Full-dose duration (days)").fill("3")
    second = page.get_by_role("group", name="Order 2", exact=True)
    second.get_by_label("Treatment").select_option("prednisone")
    second.get_by_label("Start day").fill("3")
    second.get_by_label("Dose", exact=True).fill("0.75")
    second.get_by_label("Dose in").select_option("mg/kg/day")
    second.get_by_label("Duration (days)").fill("28")
    taper = second.get_by_role("group", name=re.compile("^Taper of order 2"))
    taper.get_by_label("Order 2: dose of step 1").focus()
    page.keyboard.type("0.5")
    page.keyboard.press("Tab")
    expect(taper.get_by_label("Order 2: unit of step 1")).to_be_focused()
    page.keyboard.press("Tab")
    expect(taper.get_by_label("Order 2: days of step 1")).to_be_focused()
    page.keyboard.type("28")
    taper.get_by_label("Order 2: dose of step 2").fill("20")
    taper.get_by_label("Order 2: unit of step 2").select_option("mg/day")
    taper.get_by_label("Order 2: days of step 2").fill("60")
    expect(page.locator("#taper-preview-2-2")).to_have_text(
        "20 mg/day = 20.0 mg a day for this patient"
    )
    expect(page.locator("#taper-preview-2-1")).to_contain_text("0.5 mg/kg/day = ")
    page.get_by_label(re.compile("Pneumocystis prophylaxis")).check()
    page.get_by_role("button", name="Start treatment and follow the patient").click()

    plans = page.get_by_role("table", name="Dose levels of this plan")
    expect(plans.locator("tbody tr")).to_have_count(4)
    expect(plans.locator("tbody tr").nth(1)).to_contain_text("3\N{EN DASH}30")
    expect(plans.locator("tbody tr").nth(3)).to_contain_text("20 mg/day")
    (prednisone,) = [o for o in at_plan.plans.get().plan["orders"] if o["agent"] == "prednisone"]
    assert (prednisone["start_day"], len(prednisone["taper"])) == (3, 2)


@pytest.fixture
def page_without_javascript(browser, live_server):
    """A page of a browser that runs no script: every form must work as plain HTML."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_without_javascript_a_rising_step_of_a_later_order_is_refused_beside_it(
    page_without_javascript, at_plan
):
    page = page_without_javascript
    log_in(page, "hilde")
    page.goto(reverse("cases:plan", args=[at_plan.pk]))
    page.get_by_label("Agent").select_option("methylprednisolone_pulse")
    page.get_by_label("Starting dose").fill("1000")
    page.get_by_label("Unit", exact=True).select_option("mg/day")
    page.get_by_label("Full-dose duration (days)").fill("3")
    second = page.get_by_role("group", name="Order 2", exact=True)
    second.get_by_label("Treatment").select_option("prednisone")
    second.get_by_label("Start day").fill("3")
    second.get_by_label("Dose", exact=True).fill("0.5")
    second.get_by_label("Duration (days)").fill("28")
    second.get_by_label("Order 2: dose of step 1").fill("0.75")
    second.get_by_label("Order 2: days of step 1").fill("28")
    page.get_by_role("button", name="Start treatment and follow the patient").click()

    step = page.get_by_role("group", name="Order 2", exact=True).get_by_label(
        "Order 2: dose of step 1"
    )
    expect(step).to_have_attribute("aria-invalid", "true")
    expect(step).to_have_value("0.75")
    expect(page.locator("#id_order_2_taper_dose_1_error")).to_have_text(
        "Taper step 1 (0.75 mg/kg/day) is above the starting dose; a taper only goes down."
    )
    assert not at_plan.plans.exists()
