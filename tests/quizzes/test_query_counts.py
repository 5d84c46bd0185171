"""Pages keep the same number of queries as quizzes, questions, attempts and learners grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, ResponseChoice, ReviewCard
from quizzes.selectors import quiz_progress
from tests.factories import QuestionFactory, QuizFactory, TopicFactory, UserFactory
from tests.quizzes.conftest import choice_ids

pytestmark = pytest.mark.django_db


def take_quiz(user, quiz) -> Attempt:
    """Answer every question (alternately right and wrong), flag one, and finish."""
    attempt = services.attempt_start(user=user, quiz=quiz)
    for response in attempt.responses.select_related("question"):
        services.response_save(
            attempt=attempt,
            question_id=response.question_id,
            choice_ids=choice_ids(response, correct=response.position % 2 == 1)[:1],
            expected_version=0,
        )
    services.response_flag(
        attempt=attempt, question_id=attempt.responses.all()[0].question_id, flagged=True
    )
    return services.attempt_finish(attempt=attempt)


def grow(learner, size: int) -> tuple[Attempt, Attempt]:
    """`size` quizzes of `size` questions over `size` topics, each taken by learner and peers."""
    topics = TopicFactory.create_batch(size)
    finished = []
    for _ in range(size):
        quiz = QuizFactory(questions=[QuestionFactory(topics=topics) for _ in range(size)])
        for peer in UserFactory.create_batch(size):
            take_quiz(peer, quiz)
        finished.append(take_quiz(learner, quiz))
    open_attempt = services.attempt_start(user=learner, quiz=QuizFactory(questions__count=size))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() - timedelta(days=1))
    return finished[-1], open_attempt


# Session and user, then the page's own reads (the list page also sweeps overdue attempts).
# A question page reads the attempt, every response's state, then the one question shown:
# its response and question, its choices and the chosen ones.
# /progress/ also holds the cases section; the quiz section itself takes four queries.
QUERY_BUDGET = {"list": 7, "attempt": 7, "results": 7, "progress": 8, "review": 3}


@pytest.mark.parametrize("page", QUERY_BUDGET)
def test_page_query_count_does_not_grow_with_data(
    learner_client, learner, django_assert_num_queries, page
):
    def url(finished, open_attempt):
        return {
            "list": reverse("quizzes:list"),
            "attempt": reverse("quizzes:attempt", args=[open_attempt.pk]),
            "results": reverse("quizzes:results", args=[finished.pk]),
            "progress": reverse("progress"),
            "review": reverse("quizzes:review"),
        }[page]

    small = url(*grow(learner, 2))
    with CaptureQueriesContext(connection) as at_small_size:
        assert learner_client.get(small).status_code == 200
    assert len(at_small_size) <= QUERY_BUDGET[page]
    large = url(*grow(learner, 4))

    with django_assert_num_queries(len(at_small_size)):
        assert learner_client.get(large).status_code == 200


def test_the_progress_section_reads_in_four_queries(learner, django_assert_num_queries):
    """History, mastery tallies, their topics, and the due-for-review count."""
    grow(learner, 3)

    with django_assert_num_queries(4):
        render_to_string("quizzes/partials/progress_section.html", quiz_progress(learner))


def answer_by_htmx(client, attempt: Attempt, position: int, *, version: int, shown_at: str):
    response = attempt.responses.get(position=position)
    return client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        {
            "question": response.question_id,
            "position": position,
            "version": version,
            "choice": response.choice_order[0],
            "shown_at": shown_at,
        },
        headers={"HX-Request": "true"},
    )


def test_an_answer_reads_the_same_whatever_the_attempt_size_and_its_reply_saves_again(
    learner_client, learner
):
    """The reply shows the saved answer as stored, so the next save from it is not stale."""
    counts = []
    for size in (2, 30):
        attempt = services.attempt_start(
            user=learner, quiz=QuizFactory(questions__count=size, mode="exam")
        )
        shown_at = (timezone.now() - timedelta(seconds=30)).isoformat()
        with CaptureQueriesContext(connection) as queries:
            reply = answer_by_htmx(learner_client, attempt, 2, version=0, shown_at=shown_at)
        counts.append(len(queries))
        stored = attempt.responses.get(position=2)
        assert reply.status_code == 200
        assert f'name="version" value="{stored.version}"' in reply.text
        assert stored.version == 1
        assert 30 <= stored.seconds_spent <= 40
        assert f"<strong>1</strong> of {size} answered" in reply.text

        again = answer_by_htmx(learner_client, attempt, 2, version=1, shown_at=shown_at)

        assert again.status_code == 200
        assert attempt.responses.get(position=2).seconds_spent >= 2 * 30
        services.attempt_finish(attempt=attempt)
    assert counts[0] == counts[1]


# Session and user, the attempt; in its transaction (a savepoint inside a test) the attempt's
# state under its lock, the response with its question, the question's choices, the saved
# response and its ticks; then the attempt's question and answer counts for the list.
FIRST_ANSWER_QUERIES = 11
"""A first answer has no ticks to replace; a changed one deletes the old ticks first."""


def test_an_answer_does_only_the_work_an_answer_needs(
    learner_client, learner, django_assert_num_queries
):
    attempt = services.attempt_start(
        user=learner, quiz=QuizFactory(questions__count=3, mode="exam")
    )
    response = attempt.responses.get(position=1)
    url = reverse("quizzes:answer", args=[attempt.pk])

    def answer(version: int, choice: int):
        data = {"question": response.question_id, "position": 1, "version": version}
        return learner_client.post(url, {**data, "choice": choice}, headers={"HX-Request": "true"})

    with django_assert_num_queries(FIRST_ANSWER_QUERIES):
        first = answer(0, response.choice_order[0])
    with django_assert_num_queries(FIRST_ANSWER_QUERIES + 1):
        changed = answer(1, response.choice_order[1])

    assert (first.status_code, changed.status_code) == (200, 200)
    ticks = ResponseChoice.objects.filter(response=response).values_list("choice_id", flat=True)
    assert list(ticks) == [response.choice_order[1]]
    assert f'id="choice-{response.choice_order[1]}" checked' in changed.text
