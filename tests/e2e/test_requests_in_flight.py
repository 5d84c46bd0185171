"""While one htmx request is on its way, a second click cannot race it.

Each test holds a request in the browser (Playwright's ``page.route``), clicks again the way
a quick learner would, and checks that nothing else was sent until the first request landed,
that the buttons said so, and that the page shows the state the first click made.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Request, Route, expect

from cases import services as case_services
from cases.models import Stage
from tests.cases.conftest import play_to
from tests.conftest import shipped_bank_load, shipped_case_load
from tests.e2e.browsing import log_in
from tests.factories import (
    ClassFactory,
    EducatorFactory,
    EnrollmentFactory,
    UserFactory,
)

# A click that did start a request would have reached the route well within this.
SETTLE_MS = 400


class Held:
    """The requests the page sends to one path, held until the test lets them go."""

    def __init__(self, page: Page, path: str) -> None:
        self.page = page
        self.routes: list[Route] = []
        page.route(f"**{path}", lambda route: self.routes.append(route))

    def wait_for(self, count: int) -> None:
        for _ in range(100):
            if len(self.routes) >= count:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{len(self.routes)} request(s) held, {count} expected")

    def after_a_moment(self) -> int:
        """How many requests were held once a second click had time to send one."""
        self.page.wait_for_timeout(SETTLE_MS)
        return len(self.routes)

    def release(self) -> None:
        for route in self.routes:
            route.continue_()


@pytest.fixture
def learner(page: Page, transactional_db):
    shipped_bank_load()
    user = UserFactory(username="ines")
    log_in(page, "ines")
    return user


@pytest.fixture
def case_attempt(learner):
    return case_services.attempt_start(user=learner, case=shipped_case_load())


def test_a_second_history_question_waits_for_the_answer_to_the_first(page, case_attempt):
    page.goto(reverse("cases:presentation", args=[case_attempt.pk]))
    held = Held(page, reverse("cases:history-ask", args=[case_attempt.pk]))
    asks = page.locator("#history .ask-button")
    first, second = asks.nth(0).inner_text(), asks.nth(1).inner_text()

    asks.nth(0).click()
    held.wait_for(1)
    expect(page.get_by_role("button", name=second)).to_be_disabled()
    expect(page.get_by_role("button", name="Begin the work-up")).to_be_disabled()
    page.get_by_role("button", name=second).click(force=True)
    assert held.after_a_moment() == 1

    held.release()
    expect(page.locator("#history .history-q").filter(has_text=first)).to_be_visible()
    expect(page.locator("#history [data-result]")).to_be_focused()
    expect(page.get_by_role("button", name=second)).to_be_enabled()
    expect(page.get_by_role("button", name="Begin the work-up")).to_be_enabled()
    assert len(held.routes) == 1


def test_a_second_interpretation_answer_waits_for_the_first(page, case_attempt):
    play_to(case_attempt, Stage.INTERPRETATION)
    page.goto(reverse("cases:interpretation", args=[case_attempt.pk]))
    held = Held(page, reverse("cases:answer", args=[case_attempt.pk]))
    first, second = page.locator("section.question").nth(0), page.locator("section.question").nth(1)
    first.locator("input[name=options]").first.check()
    second.locator("input[name=options]").first.check()

    first.get_by_role("button", name="Answer").click()
    held.wait_for(1)
    expect(second.get_by_role("button", name="Answer")).to_be_disabled()
    expect(page.get_by_role("button", name="Go on to the diagnosis")).to_be_disabled()
    second.get_by_role("button", name="Answer").click(force=True)
    assert held.after_a_moment() == 1

    held.release()
    expect(first.locator("[data-result]")).to_contain_text("Score:")
    expect(first.locator("[data-result]")).to_be_focused()
    expect(second.get_by_role("button", name="Answer")).to_be_enabled()
    expect(page.get_by_role("button", name="Go on to the diagnosis")).to_be_enabled()
    assert len(held.routes) == 1


@pytest.fixture
def quiz_question(page: Page, learner) -> str:
    """The first question of the shipped tutor quiz, open in the page; its attempt's URL."""
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start Organizing pneumonia: the essentials").click()
    expect(page.get_by_role("heading", name="Question 1 of 13")).to_be_visible()
    page.locator("#attempt-body fieldset.choices input[name=choice]").first.check()
    return page.url.split("?")[0]


def test_while_a_quiz_answer_is_on_its_way_no_flag_or_navigation_races_it(page, quiz_question):
    """The flag and finish buttons wait; a click on "Next question" is not sent alongside the
    answer, whose reply would otherwise land on top of the next question (or under it)."""
    held = Held(page, "/answer/")
    flags = Held(page, "/flag/")
    pages_asked: list[str] = []

    def count_question_pages(request: Request) -> None:
        if request.method == "GET" and request.url.startswith(quiz_question + "?q="):
            pages_asked.append(request.url)

    page.on("request", count_question_pages)
    page.get_by_role("button", name="Check answer").click()
    held.wait_for(1)
    expect(page.get_by_role("button", name="Flag for later")).to_be_disabled()
    expect(page.get_by_role("button", name="Finish and see results")).to_be_disabled()
    page.get_by_role("button", name="Flag for later").click(force=True)
    page.get_by_role("link", name="Next question").click()
    assert held.after_a_moment() == 1
    assert (flags.routes, pages_asked) == ([], [])

    held.release()
    expect(page.locator(".feedback")).to_be_focused()
    expect(page.get_by_role("heading", name="Question 1 of 13")).to_be_visible()
    expect(page.get_by_role("button", name="Flag for later")).to_be_enabled()
    expect(page.get_by_role("link", name="Question 1, answered")).to_be_visible()
    assert (len(held.routes), flags.routes) == (1, [])


@pytest.mark.parametrize("failure", ["server error", "network error"])
def test_an_answer_that_fails_gives_the_buttons_and_the_focus_back(page, quiz_question, failure):
    held = Held(page, "/answer/")
    check = page.get_by_role("button", name="Check answer")

    check.focus()
    page.keyboard.press("Enter")
    held.wait_for(1)
    expect(check).to_be_disabled()
    if failure == "server error":
        held.routes[0].fulfill(status=500, body="Server Error (500)")
    else:
        held.routes[0].abort("connectionreset")

    expect(check).to_be_enabled()
    expect(page.get_by_role("button", name="Flag for later")).to_be_enabled()
    expect(page.get_by_role("button", name="Finish and see results")).to_be_enabled()
    expect(check).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text(re.compile("Try again"))
    expect(page.locator("form:has(input[name=choice]) + .message-error")).to_contain_text(
        "That did not go through"
    )
    page.unroute("**/answer/")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback")).to_be_focused()
    expect(page.locator(".message-error")).to_have_count(0)


def test_a_dose_preview_on_its_way_holds_up_neither_typing_nor_the_plan(page, case_attempt):
    """A preview changes nothing, so it is the one request that leaves the buttons alone."""
    play_to(case_attempt, Stage.PLAN)
    page.goto(reverse("cases:plan", args=[case_attempt.pk]))
    held = Held(page, reverse("cases:dose-preview", args=[case_attempt.pk]) + "?*")
    first = page.get_by_role("group", name="Order 1: main treatment")
    first.get_by_label("Agent").select_option("prednisone")
    first.get_by_label("Unit", exact=True).select_option("mg/day")

    first.get_by_label("Starting dose").fill("40")
    held.wait_for(1)
    expect(
        page.get_by_role("button", name="Start treatment and follow the patient")
    ).to_be_enabled()
    expect(first.get_by_label("Full-dose duration (days)")).to_be_editable()

    held.release()
    expect(page.locator("#dose-preview")).to_contain_text("40 mg/day = 40.0 mg a day")


def test_an_educator_removing_a_learner_cannot_remove_or_add_another_meanwhile(
    page, transactional_db
):
    klass = ClassFactory(educators=[EducatorFactory(username="mentor")])
    for username in ("ada", "bo"):
        EnrollmentFactory(klass=klass, learner=UserFactory(username=username))
    log_in(page, "mentor")
    page.goto(reverse("classes:detail", args=[klass.pk]))
    held = Held(page, "/remove/")

    page.get_by_role("button", name="Remove ada").click()
    held.wait_for(1)
    expect(page.get_by_role("button", name="Remove bo")).to_be_disabled()
    expect(page.get_by_role("button", name="Add the learner")).to_be_disabled()
    page.get_by_role("button", name="Remove bo").click(force=True)
    assert held.after_a_moment() == 1

    held.release()
    expect(page.get_by_role("heading", name="Learners (1)")).to_be_focused()
    expect(page.get_by_role("button", name="Remove bo")).to_be_enabled()
    assert [e.learner.username for e in klass.enrollments.all()] == ["bo"]
