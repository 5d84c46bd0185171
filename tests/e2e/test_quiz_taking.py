"""A learner takes the shipped tutor-mode quiz and the timed exam in Chromium."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Quiz
from tests.conftest import shipped_bank_load
from tests.e2e.browsing import log_in
from tests.factories import UserFactory


@pytest.fixture
def learner_in_browser(page, transactional_db):
    shipped_bank_load()
    learner = UserFactory(username="ada")
    log_in(page, "ada")
    return learner


def first_option(page):
    """The first option shown, a radio button or a checkbox (the exam shuffles questions)."""
    return page.locator("#attempt-body fieldset.choices input[name=choice]").first


def test_a_learner_takes_the_tutor_quiz_with_feedback_after_each_answer(page, learner_in_browser):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start Organizing pneumonia: the essentials").click()
    expect(page.get_by_role("heading", name="Question 1 of 13")).to_be_visible()

    first_option(page).check()
    page.get_by_role("radio", name="Fairly sure").check()
    page.get_by_role("button", name="Check answer").click()

    feedback = page.locator(".feedback")
    expect(feedback).to_contain_text(re.compile(r"Right\.|Not right\."))
    expect(feedback).to_contain_text("Source:")
    expect(page.locator(".choice-feedback")).to_have_count(4)

    page.get_by_role("button", name="Flag for later").click()
    expect(page.get_by_role("button", name="Remove flag")).to_be_visible()
    expect(page.get_by_role("link", name="Question 1, answered, flagged")).to_be_visible()

    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_role("heading", name="Question 2 of 13")).to_be_visible()
    first_option(page).check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback")).to_be_visible()

    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_role("heading", name="Hand in now?")).to_be_visible()
    page.get_by_role("button", name="Hand in anyway").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Results: "))
    expect(page.locator("article.result")).to_have_count(13)
    expect(page.get_by_text("King & Lee, N Engl J Med 2022").first).to_be_visible()
    expect(
        page.get_by_text("too few other learners have answered this version").first
    ).to_be_visible()
    page.goto("/quizzes/")
    expect(page.get_by_text("Your last result:")).to_be_visible()


def test_a_learner_takes_the_timed_exam_and_answers_survive_a_reload(page, learner_in_browser):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start Organizing pneumonia: diagnosis and management").click()
    expect(page.get_by_text("Time left:")).to_be_visible()
    expect(page.locator("[data-timer-display]")).to_have_text(re.compile(r"^19:\d\d$"))

    first_option(page).check()
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator("main").get_by_text("Answer saved.")).to_be_focused()
    expect(page.locator(".feedback")).to_have_count(0)
    # The reply redraws the question and, out of band, its place in the list and the counts.
    expect(page.get_by_role("link", name="Question 1, answered")).to_have_attribute(
        "aria-current", "step"
    )
    expect(page.locator("#answered-count")).to_have_text("1 of 15 answered")
    expect(page.locator("#finish-note")).to_contain_text("15 questions, 1 answered")
    second_option = page.locator("#attempt-body fieldset.choices input[name=choice]").nth(1)
    second_option.check()
    page.get_by_role("button", name="Save answer").click()  # the redrawn form saves again
    expect(page.locator("main").get_by_text("Answer saved.")).to_be_focused()
    expect(page.locator("#answered-count")).to_have_text("1 of 15 answered")

    page.get_by_role("link", name="Question 3, not answered").click()
    expect(page.get_by_role("heading", name="Question 3 of 15")).to_be_visible()
    page.reload()
    page.get_by_role("link", name="Question 1, answered").click()
    expect(second_option).to_be_checked()

    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_role("heading", name="Hand in now?")).to_be_visible()
    page.get_by_role("button", name="Hand in anyway").click()

    expect(page.get_by_role("heading", name="Your score")).to_be_visible()
    expect(page.locator("article.result")).to_have_count(15)
    expect(page.get_by_text("Question 2: not answered")).to_be_visible()


def test_an_exam_past_its_deadline_is_handed_in_by_the_server(page, learner_in_browser):
    exam = Quiz.objects.get(slug="op-exam")
    attempt = services.attempt_start(
        user=learner_in_browser, quiz=exam, now=timezone.now() - timedelta(minutes=25)
    )

    page.goto(f"/quizzes/attempts/{attempt.pk}/")

    expect(page).to_have_url(re.compile(rf"/quizzes/attempts/{attempt.pk}/results/$"))
    expect(page.get_by_text("Time ran out").first).to_be_visible()
