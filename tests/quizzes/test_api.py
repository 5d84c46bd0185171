"""The REST API calls the same services as the pages and refuses the same bad input."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from tests.factories import QuizFactory, UserFactory
from tests.quizzes.conftest import choice_ids, response_at

pytestmark = pytest.mark.django_db


def test_the_list_needs_a_login_or_a_token(client, quiz):
    response = client.get(reverse("quizzes-api:list"))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_learner_takes_an_exam_through_the_api(learner_client, exam_quiz):
    started = learner_client.post(reverse("quizzes-api:start", args=[exam_quiz.slug]))
    attempt = started.json()
    first = attempt["responses"][0]

    assert started.status_code == HTTPStatus.CREATED
    assert attempt["seconds_left"] > 0
    assert "is_correct" not in first["choices"][0]
    saved = learner_client.post(
        reverse("quizzes-api:answer", args=[attempt["id"]]),
        {"question": first["question"], "choices": [first["choices"][0]["id"]], "version": 0},
        content_type="application/json",
    )
    assert saved.status_code == HTTPStatus.OK
    assert saved.json()["version"] == 1

    finished = learner_client.post(reverse("quizzes-api:finish", args=[attempt["id"]])).json()

    assert finished["state"] == "finished"
    assert finished["max_score"] == 3
    assert "explanation" in finished["responses"][0]["choices"][0]
    assert finished["responses"][0]["feedback"]["references"]


def test_a_stale_answer_is_a_conflict(learner, learner_client, exam_quiz):
    attempt = services.attempt_start(user=learner, quiz=exam_quiz)
    first = response_at(attempt, 1)
    url = reverse("quizzes-api:answer", args=[attempt.pk])
    right, wrong = choice_ids(first, correct=True), choice_ids(first, correct=False)[:1]
    learner_client.post(
        url,
        {"question": first.question_id, "choices": right, "version": 0},
        content_type="application/json",
    )

    stale = learner_client.post(
        url,
        {"question": first.question_id, "choices": wrong, "version": 0},
        content_type="application/json",
    )

    assert stale.status_code == HTTPStatus.CONFLICT
    assert "newer answer is kept" in stale.json()["detail"]


def test_a_choice_of_another_question_is_a_bad_request(learner, learner_client, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    first, second = response_at(attempt, 1), response_at(attempt, 2)

    refused = learner_client.post(
        reverse("quizzes-api:answer", args=[attempt.pk]),
        {
            "question": first.question_id,
            "choices": choice_ids(second, correct=True),
            "version": 0,
        },
        content_type="application/json",
    )

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["detail"] == "That choice does not belong to this question."


def test_an_answer_after_the_deadline_is_a_conflict(learner, learner_client, exam_quiz):
    attempt = services.attempt_start(
        user=learner, quiz=exam_quiz, now=timezone.now() - timedelta(minutes=30)
    )
    first = response_at(attempt, 1)

    late = learner_client.post(
        reverse("quizzes-api:answer", args=[attempt.pk]),
        {"question": first.question_id, "choices": choice_ids(first, correct=True), "version": 0},
        content_type="application/json",
    )

    assert late.status_code == HTTPStatus.CONFLICT
    assert "Time is up" in late.json()["detail"]


def test_a_strangers_attempt_is_404(client, learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    client.force_login(UserFactory())

    assert client.get(reverse("quizzes-api:attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes-api:finish", args=[attempt.pk])).status_code == 404


def test_an_attempt_beyond_the_number_allowed_is_a_conflict(learner, learner_client):
    quiz = QuizFactory(questions__count=1, attempts_allowed=1)
    services.attempt_finish(attempt=services.attempt_start(user=learner, quiz=quiz))

    refused = learner_client.post(reverse("quizzes-api:start", args=[quiz.slug]))

    assert refused.status_code == HTTPStatus.CONFLICT
    assert refused.json()["detail"] == "You have used all 1 attempts allowed on this quiz."


def test_item_analysis_is_403_for_learners_and_open_to_educators(
    learner_client, educator, quiz, client
):
    url = reverse("quizzes-api:statistics", args=[quiz.slug])
    assert learner_client.get(url).status_code == HTTPStatus.FORBIDDEN

    client.force_login(educator)
    report = client.get(url).json()

    assert report["attempts"] == 0
    assert report["items"] == []
