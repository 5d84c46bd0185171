"""Every published shipped case, played in Chromium from its page to the debrief.

For each case the learner asks the key history questions, orders the critical tests, answers
every question on them with the right options, commits to the target diagnosis with the
diagnoses to exclude in the differential, and types the case's own model plan into the plan
form. The debrief must then credit every management rule of the case: a case whose model plan
the form cannot express, whose questions cannot be answered or whose rules contradict its own
plan fails here before a learner meets it. The cases are found in the shipped files, so a new
case is played without touching this test.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cases import scoring, services
from cases.content import CaseContent, case_snapshot
from cases.exchange import shipped_case_slugs
from cases.forms import PlanForm
from cases.models import Attempt, Case
from cases.simulation import Patient, plan_from_json
from tests.conftest import shipped_cases_load
from tests.e2e.browsing import log_in
from tests.factories import UserFactory

SEED = 20240601
"""One patient per case, so a failure can be replayed; any seed must pass."""
GOOD_HISTORY = ("critical", "recommended")


@pytest.fixture
def learner_on_case(page: Page, transactional_db, monkeypatch) -> Page:
    shipped_cases_load()
    monkeypatch.setattr(services, "new_seed", lambda: SEED)
    UserFactory(username="ada")
    log_in(page, "ada")
    return page


def fill_plan(page: Page, values: dict[str, Any]) -> None:
    """Type a plan into the plan form, field by field, as PlanForm.initial_for lays it out."""
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]')
        if isinstance(value, bool):
            field.set_checked(value)
        elif value is None:
            continue
        elif field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(f"{value:g}" if isinstance(value, float) else str(value))


def in_order_units(plan: dict[str, Any], patient: Patient) -> dict[str, Any]:
    """The plan with every taper step in its order's unit, as the form's taper table takes
    it: the learner converts a 10 mg/day step into mg/kg for this patient's ideal weight."""
    weight = patient.ideal_body_weight_kg
    orders = []
    for order in plan["orders"]:
        unit = order.get("unit")
        steps = []
        for step in order.get("taper", []):
            dose = step["dose"]
            if step.get("unit", unit) == "mg/day" and unit == "mg/kg/day":
                dose = round(dose / weight, 4)
            elif step.get("unit", unit) == "mg/kg/day" and unit == "mg/day":
                dose = round(dose * weight, 1)
            steps.append({"dose": dose, "unit": unit, "days": step["days"]})
        orders.append({**order, "taper": steps} if steps else order)
    return {**plan, "orders": orders}


@pytest.mark.parametrize("slug", shipped_case_slugs())
def test_the_model_answer_plays_through_to_a_debrief_that_credits_every_rule(learner_on_case, slug):
    page = learner_on_case
    case = Case.objects.get(slug=slug)
    content = CaseContent(case_snapshot(case))
    page.goto(case.get_absolute_url())
    page.get_by_role("button", name="Start the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Presentation")

    for item in content.history:
        if item["appropriateness"] in GOOD_HISTORY:
            page.get_by_role("button", name=item["question"], exact=True).click()
            expect(page.locator(".history-a[data-announce]")).to_contain_text(item["answer"])
    page.get_by_role("button", name="Begin the work-up").click()

    critical = content.investigations_with("critical")
    for investigation in critical:
        page.locator(f"#inv-{investigation['key']}").check()
    page.get_by_role("button", name="Order selected tests").click()
    status = page.locator(".status-bar")
    expect(status).to_contain_text(f"Pending: {len(critical)}")
    while not re.search(r"Pending: 0\b", before := status.inner_text()):
        page.get_by_role("button", name="Until the next result").click()
        expect(status).not_to_have_text(before)
    expect(status).to_contain_text(f"Results: {len(critical)}")
    page.get_by_role("button", name="Close the work-up and interpret").click()

    ordered = {investigation["key"] for investigation in critical}
    for question in content.questions:
        if question["investigation_key"] not in ordered:
            continue
        card = page.locator(f"#question-{question['key']}")
        for option in question["options"]:
            if option["correct"]:
                card.locator(f"#opt-{question['key']}-{option['key']}").check()
        card.get_by_role("button", name="Answer").click()
        expect(card.get_by_text("Score: 1.00")).to_be_visible()
    page.get_by_role("button", name="Go on to the diagnosis").click()

    target = content.target_diagnosis
    page.get_by_label("Primary diagnosis").select_option(target["key"])
    page.get_by_label(re.compile("How confident")).fill("80")
    for diagnosis in content.diagnoses:
        if diagnosis["role"] == "exclude":
            page.locator(f"[name=ddx_{diagnosis['key']}]").select_option("possible")
    page.get_by_role("button", name="Commit to this diagnosis").click()

    attempt = Attempt.objects.get(case=case)
    model_plan = in_order_units(content.data["model_plan"], Patient.from_dict(attempt.patient))
    fill_plan(page, PlanForm.initial_for(plan_from_json(model_plan)))
    page.get_by_role("button", name="Start treatment and follow the patient").click()
    expect(page.get_by_role("button", name="Go to the debrief")).to_be_visible()
    while page.get_by_role("button", name="Keep the current plan and continue").count():
        page.get_by_role("button", name="Keep the current plan and continue").click()
    page.get_by_role("button", name="Go to the debrief").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Debrief")
    expect(page.get_by_role("heading", name=re.compile(r"Score: [0-9.]+ . 100"))).to_be_visible()
    attempt.refresh_from_db()
    breakdown = attempt.score_breakdown["competencies"]
    checks = {c["key"]: {check["label"]: check for check in c["checks"]} for c in breakdown}
    assert checks["diagnosis"]["Primary diagnosis"]["earned"] == 1.0
    for rule in content.management_rules:
        check = checks["management"][scoring.rule_label(rule)]
        assert check["earned"] == 1.0, f"{slug}: {check['label']}: {check['note']}"
