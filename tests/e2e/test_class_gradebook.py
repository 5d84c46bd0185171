"""An educator runs a class in Chromium: creates it, assigns a case and a quiz, a learner joins
with the code and does both, and the gradebook and its CSV show the two grades."""

import csv
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cases.models import Attempt as CaseAttempt
from cases.models import Stage
from tests.cases.conftest import finish, play_to
from tests.conftest import shipped_case_load
from tests.e2e.browsing import log_in
from tests.factories import EducatorFactory, QuizFactory, UserFactory


@pytest.fixture
def content(transactional_db):
    return shipped_case_load(), QuizFactory(title="Imaging drill", questions__count=2)


def new_page(browser: Browser, base_url: str, *, phone: bool = False) -> Page:
    viewport = (
        ViewportSize(width=390, height=844) if phone else ViewportSize(width=1280, height=720)
    )
    context = browser.new_context(base_url=base_url, viewport=viewport)
    context.set_default_timeout(15_000)
    return context.new_page()


def assign(page: Page, title: str, when: dict[str, str]) -> None:
    page.get_by_role("link", name="Set an assignment").click()
    page.get_by_label("Case or quiz").select_option(label=title)
    for label, value in when.items():
        page.get_by_label(f"{label}:", exact=True).fill(value)
    page.get_by_label("Attempts allowed").fill("0")
    page.get_by_role("button", name="Set the assignment").click()
    expect(page.locator(".messages")).to_contain_text("Assignment set.")


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_class_from_creation_to_the_gradebook_csv(page, browser, live_server, content):
    case, quiz = content
    EducatorFactory(username="mentor")
    UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    EducatorFactory(username="stranger")
    now = timezone.localtime()
    when = {
        "Opens": f"{now - timedelta(days=1):%Y-%m-%dT%H:%M}",
        "Due": f"{now + timedelta(days=7):%Y-%m-%dT%H:%M}",
        "Closes": f"{now + timedelta(days=14):%Y-%m-%dT%H:%M}",
    }

    log_in(page, "mentor")
    page.goto("/classes/")
    page.get_by_role("link", name="Create a class").click()
    page.get_by_label("Name:", exact=True).fill("Respiratory block")
    page.get_by_label("New term's name").fill("Winter term")
    page.get_by_label("Starts on").fill(f"{now - timedelta(days=30):%Y-%m-%d}")
    page.get_by_label("Ends on").fill(f"{now + timedelta(days=90):%Y-%m-%d}")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Respiratory block")
    code = page.locator("#join-code").inner_text()
    assign(page, case.title, when)
    assign(page, quiz.title, when)
    class_url = page.url

    learner = new_page(browser, live_server.url, phone=True)
    log_in(learner, "ada")
    learner.goto("/classes/join/")
    learner.get_by_label("Class code").fill(code.lower())
    learner.get_by_role("button", name="Join").click()
    expect(learner.locator(".messages")).to_contain_text("You joined Respiratory block.")
    assert fits_the_phone(learner)

    learner.get_by_role("button", name="Start Imaging drill").click()
    for number in (1, 2):
        expect(learner.get_by_role("heading", name=f"Question {number} of 2")).to_be_visible()
        learner.locator("#attempt-body fieldset.choices input[name=choice]").first.check()
        learner.get_by_role("button", name="Check answer").click()
        expect(learner.locator(".feedback")).to_be_visible()
        if number == 1:
            learner.get_by_role("link", name="Next question").click()
    learner.get_by_role("button", name="Finish and see results").click()
    expect(learner.get_by_role("heading", name="Your score")).to_be_visible()

    learner.goto("/")
    expect(learner.get_by_role("heading", name="Assigned to you")).to_be_visible()
    learner.get_by_role("button", name=f"Start {case.title}").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Presentation")
    attempt = CaseAttempt.objects.get(user__username="ada")
    finish(play_to(attempt, Stage.OUTCOME))
    learner.goto("/")
    expect(learner.get_by_role("link", name=f"Debrief of {case.title}")).to_be_visible()

    page.goto(class_url)
    page.get_by_role("link", name="Gradebook").first.click()
    row = page.get_by_role("row", name=re.compile("Ada Lovelace"))
    attempt.refresh_from_db()
    assert attempt.score is not None
    score = f"{round(attempt.score, 1)}%"
    expect(row.get_by_role("link", name=score)).to_be_visible()
    expect(row.get_by_role("link", name=re.compile(r"^\d+(\.\d)?%$"))).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    with open(download.value.path(), encoding="utf-8") as saved:
        rows = list(csv.reader(saved))
    assert rows[1][:2] == ["Ada Lovelace", "ada"]
    assert score.removesuffix("%").removesuffix(".0") in rows[1]
    row.get_by_role("link", name=score).click()
    expect(page.get_by_text("Read-only: Ada Lovelace's attempt")).to_be_visible()

    gradebook_url = re.sub(r"/classes/(\d+)/.*", r"/classes/\1/gradebook/", page.url)
    other = new_page(browser, live_server.url)
    log_in(other, "stranger")
    response = other.goto(gradebook_url)
    assert response is not None
    assert response.status == 404
