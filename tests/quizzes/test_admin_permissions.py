"""Educators author questions in admin but may only view learners' attempts."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from quizzes import services
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def test_an_educator_can_change_a_question_but_only_view_an_attempt(educator):
    assert educator.has_perm("quizzes.change_question")
    assert educator.has_perm("quizzes.view_attempt")
    assert not educator.has_perm("quizzes.change_attempt")
    assert not educator.has_perm("quizzes.delete_response")
    assert not educator.has_perm("quizzes.change_reviewcard")


def test_the_admin_lets_an_educator_edit_a_question(educator_client):
    question = QuestionFactory()

    response = educator_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))

    assert response.status_code == HTTPStatus.OK
    assert 'name="_save"' in response.content.decode()


def test_the_admin_shows_an_attempt_to_an_educator_read_only(educator_client, learner):
    attempt = services.attempt_start(user=learner, quiz=QuizFactory(questions__count=1))
    url = reverse("admin:quizzes_attempt_change", args=[attempt.pk])

    page = educator_client.get(url)
    refused = educator_client.post(url, {"state": "finished"})

    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == HTTPStatus.FORBIDDEN
    attempt.refresh_from_db()
    assert attempt.is_open
