"""The home page tells a signed-in learner what they left unfinished."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Stage
from quizzes import services as quiz_services
from quizzes.models import Attempt as QuizAttempt
from tests.cases.conftest import finish, play_to
from tests.factories import QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


def carry_on_panel(page: str) -> str:
    return page.split('id="home-carry-on"', 1)[1].split("</section>", 1)[0]


def test_unfinished_case_and_quiz_appear_with_links_to_resume(
    learner_client, learner, shipped_case
):
    case_attempt = play_to(
        case_services.attempt_start(user=learner, case=shipped_case), Stage.WORKUP
    )
    quiz = QuizFactory(title="Imaging drill", questions__count=2)
    quiz_attempt = quiz_services.attempt_start(user=learner, quiz=quiz)

    panel = carry_on_panel(learner_client.get(reverse("home")).text)

    assert f'href="{reverse("cases:workup", args=[case_attempt.pk])}"' in panel
    assert "case, at work-up" in panel
    assert f'href="{reverse("quizzes:attempt", args=[quiz_attempt.pk])}"' in panel
    assert "Imaging drill" in panel


def test_finished_work_and_quizzes_whose_time_ran_out_are_not_offered(
    learner_client, learner, shipped_case
):
    finish(play_to(case_services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME))
    timed = QuizFactory(title="Timed exam", mode="exam", time_limit_minutes=10, questions__count=1)
    attempt = quiz_services.attempt_start(user=learner, quiz=timed)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))

    panel = carry_on_panel(learner_client.get(reverse("home")).text)

    assert "Nothing unfinished." in panel
    assert "Timed exam" not in panel


def test_another_learners_unfinished_work_is_not_shown(learner_client, shipped_case):
    stranger = UserFactory()
    case_services.attempt_start(user=stranger, case=shipped_case)

    panel = carry_on_panel(learner_client.get(reverse("home")).text)

    assert "Nothing unfinished." in panel


def test_visitors_see_no_carry_on_panel(client):
    assert 'id="home-carry-on"' not in client.get(reverse("home")).text


def test_dashboard_query_count_does_not_grow_with_unfinished_work(
    learner_client, learner, shipped_case, django_assert_num_queries
):
    case_services.attempt_start(user=learner, case=shipped_case)
    quiz_services.attempt_start(user=learner, quiz=QuizFactory(questions__count=1))
    with CaptureQueriesContext(connection) as at_small_size:
        learner_client.get(reverse("home"))

    for _ in range(3):
        case_services.attempt_start(user=learner, case=shipped_case)
        quiz_services.attempt_start(user=learner, quiz=QuizFactory(questions__count=1))

    with django_assert_num_queries(len(at_small_size)):
        learner_client.get(reverse("home"))


def _practice(learner, *, started_days_ago: float = 0) -> QuizAttempt:
    QuestionFactory.create_batch(3)
    quiz = quiz_services.practice_quiz_create(user=learner, topic_ids=[], count=3, pool="all")
    now = timezone.now() - timedelta(days=started_days_ago)
    return quiz_services.attempt_start(user=learner, quiz=quiz, now=now)


def test_a_practice_session_can_be_discarded_from_carry_on_and_is_gone(learner_client, learner):
    attempt = _practice(learner)
    panel = carry_on_panel(learner_client.get(reverse("home")).text)
    assert reverse("quizzes:discard", args=[attempt.pk]) in panel

    response = learner_client.post(reverse("quizzes:discard", args=[attempt.pk]), follow=True)

    assert "Discarded: Custom practice" in response.text
    assert attempt.quiz.title not in carry_on_panel(response.text)
    assert not QuizAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_practice_session_a_day_old_leaves_carry_on(learner_client, learner):
    old, fresh = _practice(learner, started_days_ago=1.1), _practice(learner)

    panel = carry_on_panel(learner_client.get(reverse("home")).text)

    assert reverse("quizzes:attempt", args=[fresh.pk]) in panel
    assert reverse("quizzes:attempt", args=[old.pk]) not in panel


def test_shared_quizzes_and_handed_in_sessions_cannot_be_discarded(learner_client, learner):
    shared = quiz_services.attempt_start(user=learner, quiz=QuizFactory(questions__count=2))
    handed_in = quiz_services.attempt_finish(attempt=_practice(learner))

    for attempt in (shared, handed_in):
        learner_client.post(reverse("quizzes:discard", args=[attempt.pk]))
        assert QuizAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_stranger_cannot_discard_a_learners_session(client, learner):
    attempt = _practice(learner)
    client.force_login(UserFactory())

    assert client.post(reverse("quizzes:discard", args=[attempt.pk])).status_code == 404
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()
