"""An educator writes a new drug-induced organizing-pneumonia case in admin without typing
JSON, checks it in the simulation preview, publishes it, and a learner plays it to the
debrief. The test counts the educator's saves (docs/authoring.md quotes the figure)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from cases import services
from cases.models import Attempt, Case
from tests.conftest import SHIPPED_CASE_FIXTURES
from tests.e2e.browsing import log_in
from tests.factories import EducatorFactory, UserFactory

FINDINGS = {
    "fvc_pct": "72",
    "fev1_pct": "78",
    "dlco_pct": "61",
    "spo2_pct": "94",
    "pao2_mmhg": "74",
    "crp_mg_dl": "7.2",
    "esr_mm_h": "48",
    "leukocytes_per_ul": "9800",
    "eosinophils_per_ul": "150",
    "ggt_iu_l": "38",
    "alp_iu_l": "90",
    "bal_lymphocytes_pct": "30",
    "days_since_onset": "35",
}
CASE_TEXT = {
    "title": "A cough that started on a new tablet",
    "summary": "A patient in their sixties has had a dry cough and breathlessness for five "
    "weeks. Antibiotics did not help. Work out why, treat it, and follow the patient for "
    "five years.",
    "learning_objectives": "Ask about every medicine started before the illness.",
    "estimated_minutes": "20",
    "chief_complaint": "Five weeks of dry cough and breathlessness.",
    "presenting_history": "The cough began a few weeks after a new tablet for the bladder.",
    "age_min": "55",
    "age_max": "70",
    "height_min_cm": "158",
    "height_max_cm": "180",
    "excess_weight_min_kg": "0",
    "excess_weight_max_kg": "12",
    "temperature_c": "37.4",
    "heart_rate": "88",
    "respiratory_rate": "18",
    "blood_pressure": "128/78",
    "culprit": "nitrofurantoin",
    "target_workup_hours": "48",
    "model_answer": "Organizing pneumonia after nitrofurantoin: stop the drug and treat.",
}
MODEL_PLAN = {
    "plan_1_dose": "0.75",
    "plan_1_duration_days": "28",
    "plan_1_step_1_dose": "0.5",
    "plan_1_step_1_days": "28",
    "plan_1_step_2_dose": "0.25",
    "plan_1_step_2_days": "126",
    "plan_1_step_3_dose": "10",
    "plan_1_step_3_days": "91",
}
SELECTS = {
    "difficulty": "intermediate",
    "presentation_source": "SUM-DX",
    "engine_disease": "secondary_op",
    "secondary_cause": "drug",
    "extent": "multifocal",
    "imaging_pattern": "consolidation",
    "plan_1_agent": "prednisone",
    "plan_1_unit": "mg/kg/day",
    "plan_1_step_1_unit": "mg/kg/day",
    "plan_1_step_2_unit": "mg/kg/day",
    "plan_1_step_3_unit": "mg/day",
    "plan_2_agent": "stop_culprit",
}


def fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"#id_{name}").fill(value)


def choose(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"#id_{name}").select_option(value)


def add_row(page: Page, group: str, model: str) -> None:
    """Click the group's own "Add another …" link (nested groups have links of their own)."""
    page.locator(f"#{group}-group a.djn-add-handler.djn-model-cases-{model}").last.click()


def author_the_case(page: Page) -> int:
    """Fill the empty add form as an educator would; returns how many times they saved."""
    page.goto("/admin/cases/case/add/")
    fill(page, CASE_TEXT | FINDINGS | MODEL_PLAN)
    page.get_by_text("Model plan: order 2").click()
    choose(page, SELECTS)
    for adjunct in ("pneumocystis_prophylaxis", "bone_protection", "glucose_monitoring"):
        page.locator(f"#id_plan_{adjunct}").check()
    page.locator("#id_plan_blood_pressure_monitoring").check()

    add_row(page, "results", "caseresult")
    page.locator("#id_results-0-investigation").select_option(
        label="High-resolution CT of the chest"
    )
    fill(
        page,
        {
            "results-0-report": "Patchy peripheral consolidation in both lower lobes.",
            "results-0-rationale": "Shows the pattern and its extent.",
        },
    )
    choose(page, {"results-0-appropriateness": "critical", "results-0-source": "NEJM"})
    add_row(page, "results-0-questions", "interpretationquestion")
    fill(
        page,
        {
            "results-0-questions-0-key": "ct-distribution",
            "results-0-questions-0-prompt": "Where is the consolidation?",
        },
    )
    choose(page, {"results-0-questions-0-source": "NEJM"})
    for index, (text, correct) in enumerate((("Peripheral", True), ("Central", False))):
        add_row(page, "results-0-questions-0-options", "interpretationoption")
        fill(
            page,
            {
                f"results-0-questions-0-options-{index}-key": text.lower(),
                f"results-0-questions-0-options-{index}-text": text,
                f"results-0-questions-0-options-{index}-explanation": "Because it is.",
            },
        )
        if correct:
            page.locator(f"#id_results-0-questions-0-options-{index}-correct").check()

    for index, (key, role) in enumerate(
        (("secondary-op-drug", "target"), ("community-acquired-pneumonia", "exclude"))
    ):
        add_row(page, "diagnoses", "casediagnosis")
        page.locator(f"#id_diagnoses-{index}-diagnosis").select_option(label=DIAGNOSIS_NAMES[key])
        choose(page, {f"diagnoses-{index}-role": role, f"diagnoses-{index}-source": "SUM-DX"})
        fill(page, {f"diagnoses-{index}-explanation": "Why it matters here."})
    for index, name in enumerate(("Prednisone", "Stop the culprit drug or exposure")):
        add_row(page, "therapies", "casetherapy")
        page.locator(f"#id_therapies-{index}-therapy").select_option(label=name)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.locator("#studio-checklist")).to_contain_text(
        "Nothing keeps the case from being published"
    )
    return 1


DIAGNOSIS_NAMES = {
    "secondary-op-drug": "Drug-induced (secondary) organizing pneumonia",
    "community-acquired-pneumonia": "Community-acquired bacterial pneumonia",
}


@pytest.fixture
def catalogs(transactional_db, monkeypatch):
    call_command("loaddata", *map(str, SHIPPED_CASE_FIXTURES), verbosity=0)
    monkeypatch.setattr(services, "new_seed", lambda: 20240601)


def test_an_educator_authors_previews_and_publishes_a_case_a_learner_then_plays(
    page, browser, live_server, catalogs, csp_violations
):
    EducatorFactory(username="ada")
    UserFactory(username="grace")
    log_in(page, "ada")

    saves = author_the_case(page)
    case = Case.objects.get(slug="a-cough-that-started-on-a-new-tablet")
    assert case.engine_findings["culprit"] == "nitrofurantoin"
    assert case.model_plan["orders"][1] == {"agent": "stop_culprit", "start_day": 0}

    checklist = page.locator("#studio-checklist")
    page.locator("#id_results-0-appropriateness").select_option("neutral")
    expect(checklist).to_contain_text("Mark at least one result as critical")
    expect(checklist).to_contain_text("with your unsaved edits")
    page.locator("#id_results-0-appropriateness").select_option("critical")
    expect(checklist).to_contain_text("Nothing keeps the case from being published")

    page.get_by_role("link", name="Simulation preview").click()
    page.get_by_role("button", name="Run the simulation").click()
    expect(page.get_by_role("heading", name=re.compile("200 patients"))).to_be_visible()
    expect(page.locator("#simulation-results")).to_contain_text("Patient 3:")

    page.goto("/admin/cases/case/")
    page.get_by_role("row", name=re.compile(CASE_TEXT["title"])).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("publish_new_version")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("version 1 published")

    learner = browser.new_context(base_url=live_server.url)
    learner.set_default_timeout(15_000)
    play = learner.new_page()
    play.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(play, "grace")
    play.goto("/cases/")
    play.get_by_role("link", name=CASE_TEXT["title"]).click()
    play.get_by_role("button", name="Start the case").click()
    play.get_by_role("button", name="Begin the work-up").click()
    play.get_by_label(re.compile("High-resolution CT of the chest")).check()
    play.get_by_role("button", name="Order selected tests").click()
    expect(play.locator(".status-bar")).to_contain_text("Pending: 1")
    play.get_by_role("button", name="Until the next result").click()
    expect(play.get_by_text("Patchy peripheral consolidation")).to_be_visible()
    play.get_by_role("button", name="Close the work-up and interpret").click()
    question = play.locator("#question-ct-distribution")
    question.get_by_label("Peripheral").check()
    question.get_by_role("button", name="Answer").click()
    expect(question.get_by_text("Score: 1.00")).to_be_visible()
    play.get_by_role("button", name="Go on to the diagnosis").click()
    play.get_by_label("Primary diagnosis").select_option("secondary-op-drug")
    play.get_by_label(re.compile("How confident")).fill("70")
    play.get_by_role("button", name="Commit to this diagnosis").click()
    play.get_by_label("Agent").select_option("prednisone")
    play.get_by_label("Starting dose").fill("0.75")
    play.get_by_label("Full-dose duration (days)").fill("28")
    play.get_by_label("Step 1 dose").fill("0.25")
    play.get_by_label("Step 1 days").fill("150")
    play.get_by_role("button", name="Start treatment and follow the patient").click()
    while play.get_by_role("button", name="Keep the current plan and continue").count():
        play.get_by_role("button", name="Keep the current plan and continue").click()
    play.get_by_role("button", name="Go to the debrief").click()
    expect(play.get_by_role("heading", level=1)).to_have_text("Debrief")
    learner.close()

    attempt = Attempt.objects.get(user__username="grace")
    assert attempt.score is not None
    assert not attempt.preview
    assert saves == 1
