"""Quiz pages: owner OK, stranger 404, learner on an educator page 403; htmx and plain posts."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, Response
from tests.factories import QuizFactory, TopicFactory, UserFactory
from tests.quizzes.conftest import (
    choice_ids,
    finish_quiz_on_topic,
    hand_in_first_answer,
    response_at,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def attempt(learner, quiz):
    return services.attempt_start(user=learner, quiz=quiz)


def answer_data(response, choices, **extra):
    return {
        "question": response.question_id,
        "position": response.position,
        "version": response.version,
        "choice": choices,
        **extra,
    }


def test_login_is_required_for_the_quiz_list(client):
    response = client.get(reverse("quizzes:list"))

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_the_list_shows_the_learners_last_result(learner_client, learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    first = response_at(attempt, 1)
    services.response_save(
        attempt=attempt,
        question_id=first.question_id,
        choice_ids=choice_ids(first, correct=True),
        expected_version=0,
    )
    services.attempt_finish(attempt=attempt)

    page = learner_client.get(reverse("quizzes:list")).content.decode()

    assert attempt.quiz.title in page
    assert "Your last result: <strong>1 / 3</strong>" in page


def test_start_redirects_to_the_attempt_page(learner_client, quiz):
    response = learner_client.post(reverse("quizzes:start", args=[quiz.slug]))

    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])


def test_start_beyond_the_attempts_allowed_shows_why(learner_client, learner):
    quiz = QuizFactory(questions__count=1, attempts_allowed=1)
    services.attempt_finish(attempt=services.attempt_start(user=learner, quiz=quiz))

    response = learner_client.post(reverse("quizzes:start", args=[quiz.slug]), follow=True)

    assert "You have used all 1 attempts" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_the_owner_sees_the_attempt_page_with_navigator_and_question(learner_client, attempt):
    response = learner_client.get(reverse("quizzes:attempt", args=[attempt.pk]) + "?q=2")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'aria-label="Questions in this attempt"' in page
    assert "Question 2 of 3" in page
    assert "<legend" in page


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("quizzes:attempt", "get"),
        ("quizzes:results", "get"),
        ("quizzes:answer", "post"),
        ("quizzes:flag", "post"),
        ("quizzes:finish", "post"),
    ],
)
def test_a_stranger_gets_404_on_every_attempt_url(client, attempt, name, method):
    client.force_login(UserFactory())

    response = getattr(client, method)(reverse(name, args=[attempt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_plain_post_saves_the_answer_and_redirects_back(learner_client, attempt):
    first = response_at(attempt, 1)

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(first, correct=True)),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("?q=1")
    assert Response.objects.get(pk=first.pk).is_correct


def test_an_htmx_answer_returns_its_question_with_tutor_feedback_and_updates_the_list(
    learner_client, attempt
):
    first = response_at(attempt, 1)

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(first, correct=False)[:1]),
        **HTMX,
    )

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert page.lstrip().startswith('<section id="question-panel"')
    assert "<html" not in page
    assert 'id="attempt-body"' not in page
    assert "Not right." in page
    assert "Why option 1 is right." in page
    assert '<li id="nav-item-1" hx-swap-oob="true">' in page
    assert 'aria-label="Question 1, answered"' in page
    assert '<p id="answered-count" hx-swap-oob="true"><strong>1</strong> of 3 answered' in page


def test_an_htmx_answer_refused_replaces_the_whole_attempt_body(learner_client, attempt):
    """A refusal may come from a page older than the stored state, so all of it is redrawn."""
    first, second = response_at(attempt, 1), response_at(attempt, 2)

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(second, correct=True)),
        **HTMX,
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#attempt-body", "outerHTML")
    assert response.content.decode().lstrip().startswith('<div id="attempt-body"')


def test_an_htmx_post_with_a_foreign_choice_shows_the_error_and_saves_nothing(
    learner_client, attempt
):
    first, second = response_at(attempt, 1), response_at(attempt, 2)

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(second, correct=True)),
        **HTMX,
    )

    assert "That choice does not belong to this question." in response.content.decode()
    assert not Response.objects.get(pk=first.pk).is_answered


def test_a_plain_post_with_a_question_outside_the_attempt_is_refused(learner_client, attempt):
    other = QuizFactory(questions__count=1).questions.get()

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        {"question": other.pk, "version": 0, "choice": [other.choices.first().pk]},
        follow=True,
    )

    assert "That question is not part of this attempt." in response.content.decode()
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_an_answer_after_the_deadline_redirects_to_the_results(learner_client, learner):
    quiz = QuizFactory(questions__count=2, mode="exam", time_limit_minutes=5)
    attempt = services.attempt_start(
        user=learner, quiz=quiz, now=timezone.now() - timedelta(minutes=6)
    )
    first = response_at(attempt, 1)

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(first, correct=True)),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("quizzes:results", args=[attempt.pk])
    assert "Time is up" in response.content.decode()
    assert not Response.objects.get(pk=first.pk).is_answered


def test_an_htmx_answer_to_a_closed_attempt_asks_the_browser_to_go_to_results(
    learner_client, attempt
):
    services.attempt_finish(attempt=attempt)
    first = response_at(attempt, 1)

    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(first, correct=True)),
        **HTMX,
    )

    assert response["HX-Redirect"] == reverse("quizzes:results", args=[attempt.pk])


def test_opening_an_overdue_attempt_hands_it_in(learner_client, learner):
    quiz = QuizFactory(questions__count=1, mode="exam", time_limit_minutes=5)
    attempt = services.attempt_start(
        user=learner, quiz=quiz, now=timezone.now() - timedelta(minutes=6)
    )

    response = learner_client.get(reverse("quizzes:attempt", args=[attempt.pk]))

    assert response["Location"] == reverse("quizzes:results", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED


def test_the_timed_attempt_page_shows_the_time_left(learner_client, learner):
    quiz = QuizFactory(questions__count=1, mode="exam", time_limit_minutes=20)
    attempt = services.attempt_start(user=learner, quiz=quiz)

    page = learner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert "Time left: <strong data-timer-display>19:5" in page


def test_flagging_marks_the_question_in_the_navigator(learner_client, attempt):
    first = response_at(attempt, 1)

    response = learner_client.post(
        reverse("quizzes:flag", args=[attempt.pk]),
        {"question": first.question_id, "position": 1, "flagged": "on"},
        **HTMX,
    )

    assert ", flagged" in response.content.decode()
    assert Response.objects.get(pk=first.pk).flagged


def test_finishing_leads_to_results_explaining_every_option(learner_client, attempt):
    response = learner_client.post(
        reverse("quizzes:finish", args=[attempt.pk]), {"confirm": "yes"}, follow=True
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("quizzes:results", args=[attempt.pk])
    assert page.count("Why option") == 12
    assert "King &amp; Lee, N Engl J Med 2022" in page
    assert "too few other learners have answered this version" in page


def test_results_show_the_share_of_other_learners_who_were_right(learner_client, attempt, quiz):
    for correct in (True, True, True, False, False):
        hand_in_first_answer(UserFactory(), quiz, right=correct)
    services.attempt_finish(attempt=attempt)

    page = learner_client.get(reverse("quizzes:results", args=[attempt.pk])).content.decode()

    assert "60% of 5 answers by 5 other learners were right" in page


def test_results_compare_with_peers_only_from_five_other_learners(learner_client, attempt, quiz):
    for correct in (True, True, False, False):
        hand_in_first_answer(UserFactory(), quiz, right=correct)
    services.attempt_finish(attempt=attempt)

    page = learner_client.get(reverse("quizzes:results", args=[attempt.pk])).content.decode()

    assert "other learners were right" not in page
    assert page.count("too few other learners have answered this version") == 3


def test_results_of_an_open_attempt_send_the_learner_back_to_it(learner_client, attempt):
    response = learner_client.get(reverse("quizzes:results", args=[attempt.pk]))

    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])


def test_custom_practice_starts_a_tutor_attempt(learner_client, quiz):
    response = learner_client.post(
        reverse("quizzes:practice"), {"count": 2, "pool": "all"}, follow=True
    )

    attempt = Attempt.objects.get(quiz__owner__isnull=False)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt", args=[attempt.pk])
    assert attempt.responses.count() == 2
    assert attempt.quiz.mode == "tutor"


def test_custom_practice_with_nothing_to_draw_explains_why(learner_client, quiz):
    response = learner_client.post(reverse("quizzes:practice"), {"count": 2, "pool": "wrong"})

    assert "No questions match" in response.content.decode()
    assert not Attempt.objects.exists()


def test_the_review_queue_starts_a_session_of_due_questions(learner_client, learner, attempt):
    first = response_at(attempt, 1)
    services.response_save(
        attempt=attempt,
        question_id=first.question_id,
        choice_ids=choice_ids(first, correct=False)[:1],
        expected_version=0,
    )
    services.attempt_finish(attempt=attempt, now=timezone.now() - timedelta(days=2))
    assert "Review now (1 due)" in learner_client.get(reverse("quizzes:review")).content.decode()

    response = learner_client.post(reverse("quizzes:review"))

    session = Attempt.objects.get(quiz__owner=learner)
    assert response["Location"] == reverse("quizzes:attempt", args=[session.pk])


def test_a_learner_gets_403_on_item_analysis(learner_client, quiz):
    response = learner_client.get(reverse("quizzes:statistics", args=[quiz.slug]))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_an_educator_sees_item_analysis(educator_client, quiz):
    response = educator_client.get(reverse("quizzes:statistics", args=[quiz.slug]))

    assert response.status_code == HTTPStatus.OK
    assert "Cronbach" in response.content.decode()


def test_the_progress_page_shows_history_mastery_and_weakest_topics(learner_client, learner):
    imaging = TopicFactory(name="Imaging")
    attempt = finish_quiz_on_topic(learner, imaging, right=False)

    page = learner_client.get(reverse("progress")).content.decode()

    assert attempt.quiz.title in page
    assert "Imaging (0%)" in page
    assert f'name="topics" value="{imaging.pk}"' in page


def test_mastered_topics_are_not_offered_as_weakest(learner_client, learner):
    imaging = TopicFactory(name="Imaging")
    finish_quiz_on_topic(learner, imaging, right=True)

    page = learner_client.get(reverse("progress")).content.decode()

    assert "Mastery by topic" in page
    assert "Weakest topics" not in page
    assert f'name="topics" value="{imaging.pk}"' not in page


def test_the_list_says_how_many_questions_a_drawn_quiz_takes(learner_client):
    QuizFactory(selection="drawn", draw_count=10, title="Random ten")

    page = learner_client.get(reverse("quizzes:list")).content.decode()

    assert "10 questions drawn at random" in page


def test_handing_in_with_unanswered_or_flagged_questions_asks_first_and_lists_them(
    learner_client, attempt
):
    first, second = response_at(attempt, 1), response_at(attempt, 2)
    learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        answer_data(first, choice_ids(first, correct=True)),
    )
    services.response_flag(attempt=attempt, question_id=first.question_id, flagged=True)

    asked = learner_client.post(reverse("quizzes:finish", args=[attempt.pk]))

    page = asked.content.decode()
    assert asked.status_code == HTTPStatus.OK
    assert "Hand in now?" in page
    assert "Question 1</a>:\n    flagged for later" in page
    assert f'?q={second.position}">Question 2</a>:\n    not answered' in page
    attempt.refresh_from_db()
    assert attempt.is_open

    learner_client.post(reverse("quizzes:finish", args=[attempt.pk]), {"confirm": "yes"})

    attempt.refresh_from_db()
    assert not attempt.is_open
    results = learner_client.get(reverse("quizzes:results", args=[attempt.pk])).content.decode()
    assert "you flagged it" in results
    assert "You flagged 1 question to come back to" in results


def test_handing_in_with_everything_answered_and_nothing_flagged_asks_nothing(
    learner_client, learner, quiz
):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    for position in (1, 2, 3):
        response = response_at(attempt, position)
        learner_client.post(
            reverse("quizzes:answer", args=[attempt.pk]),
            answer_data(response, choice_ids(response, correct=True)),
        )

    handed_in = learner_client.post(reverse("quizzes:finish", args=[attempt.pk]))

    assert handed_in["Location"] == reverse("quizzes:results", args=[attempt.pk])
