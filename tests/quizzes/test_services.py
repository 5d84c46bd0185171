"""Attempts and responses: starting, saving as given, refusing bad input, timers, review."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from quizzes import bank, services
from quizzes.models import Attempt, Response, ResponseChoice, ReviewCard
from tests.factories import QuestionFactory, QuizFactory, UserFactory
from tests.quizzes.conftest import choice_ids, response_at

pytestmark = pytest.mark.django_db


def save(attempt, response, choices, **kwargs):
    kwargs.setdefault("expected_version", response.version)
    return services.response_save(
        attempt=attempt, question_id=response.question_id, choice_ids=choices, **kwargs
    )


def test_starting_creates_one_response_row_per_question_in_order(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)

    assert attempt.number == 1
    assert list(attempt.responses.values_list("position", flat=True)) == [1, 2, 3]
    assert attempt.deadline is None


def test_starting_again_resumes_the_open_attempt(learner, quiz):
    first = services.attempt_start(user=learner, quiz=quiz)

    assert services.attempt_start(user=learner, quiz=quiz) == first
    assert Attempt.objects.count() == 1


def test_an_attempt_beyond_the_number_allowed_is_refused(learner):
    quiz = QuizFactory(questions__count=1, attempts_allowed=1)
    services.attempt_finish(attempt=services.attempt_start(user=learner, quiz=quiz))

    with pytest.raises(services.QuizError, match="used all 1 attempts"):
        services.attempt_start(user=learner, quiz=quiz)
    assert Attempt.objects.count() == 1


def test_a_drawn_quiz_takes_n_questions_from_its_topics(learner):
    from tests.factories import TopicFactory

    imaging = TopicFactory(name="Imaging")
    QuestionFactory.create_batch(4, topics=[imaging])
    QuestionFactory.create_batch(3)
    quiz = QuizFactory(selection="drawn", draw_count=2)
    quiz.draw_topics.set([imaging])

    attempt = services.attempt_start(user=learner, quiz=quiz)

    assert attempt.responses.filter(question__topics=imaging).count() == 2
    assert attempt.responses.count() == 2


def test_an_answer_is_saved_and_marked(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)

    saved = save(attempt, response, choice_ids(response, correct=True))

    assert (saved.is_correct, saved.fraction, saved.marks, saved.version) == (True, 1, 1, 1)


def test_a_retried_request_saves_the_answer_once(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)
    right = choice_ids(response, correct=True)

    save(attempt, response, right, expected_version=0)
    again = save(attempt, response, right, expected_version=0)

    assert again.version == 1
    assert ResponseChoice.objects.filter(response=response).count() == 1


def test_a_stale_page_cannot_overwrite_a_newer_answer(learner, exam_quiz):
    attempt = services.attempt_start(user=learner, quiz=exam_quiz)
    response = response_at(attempt, 1)
    save(attempt, response, choice_ids(response, correct=True), expected_version=0)

    with pytest.raises(services.StaleAnswer):
        save(attempt, response, choice_ids(response, correct=False)[:1], expected_version=0)

    assert Response.objects.get(pk=response.pk).is_correct


def test_exam_mode_lets_a_learner_change_an_answer(learner, exam_quiz):
    attempt = services.attempt_start(user=learner, quiz=exam_quiz)
    response = response_at(attempt, 1)
    first = save(attempt, response, choice_ids(response, correct=False)[:1])

    changed = save(attempt, response, choice_ids(response, correct=True), expected_version=1)

    assert changed.is_correct
    assert first.version == 1
    assert changed.version == 2


def test_a_changed_answer_keeps_only_the_new_ticks(learner, exam_quiz):
    attempt = services.attempt_start(user=learner, quiz=exam_quiz)
    response = response_at(attempt, 2)  # multiple response: two right, two wrong
    right, wrong = choice_ids(response, correct=True), choice_ids(response, correct=False)
    save(attempt, response, [right[0], wrong[0]])

    changed = save(attempt, response, right, expected_version=1)

    stored = ResponseChoice.objects.filter(response=response).values_list("choice_id", flat=True)
    assert sorted(stored) == sorted(right)
    assert changed.is_correct


def test_a_saved_answer_comes_back_shown_in_the_attempts_order_of_options(learner, exam_quiz):
    attempt = services.attempt_start(user=learner, quiz=exam_quiz)
    response = response_at(attempt, 2)
    chosen = choice_ids(response, correct=True)

    saved = save(attempt, response, chosen)
    retried = save(attempt, response, chosen, expected_version=0)

    for shown in (saved, retried):
        assert [choice.pk for choice in shown.ordered_choices] == response.choice_order
        assert shown.chosen_ids == set(chosen)


def test_tutor_mode_keeps_the_first_checked_answer(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)
    save(attempt, response, choice_ids(response, correct=False)[:1])

    with pytest.raises(services.QuizError, match="final once checked"):
        save(attempt, response, choice_ids(response, correct=True), expected_version=1)


def test_the_database_refuses_a_second_row_for_the_same_question(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)

    with pytest.raises(IntegrityError):
        Response.objects.create(attempt=attempt, question=response.question, position=9)


def test_a_second_start_that_missed_the_open_attempt_resumes_it(learner, quiz, monkeypatch):
    """A double-clicked Start: the second request looked before the first one committed."""
    first = services.attempt_start(user=learner, quiz=quiz)
    monkeypatch.setattr(services, "_open_attempt", lambda **kwargs: None)

    second = services.attempt_start(user=learner, quiz=quiz)

    assert second == first
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_the_database_refuses_a_second_open_attempt_on_one_quiz(learner, quiz):
    first = services.attempt_start(user=learner, quiz=quiz)

    with pytest.raises(IntegrityError):
        Attempt.objects.create(user=learner, quiz=quiz, number=2, started_at=first.started_at)


def test_a_finished_attempt_does_not_count_as_open(learner, quiz):
    first = services.attempt_start(user=learner, quiz=quiz)
    services.attempt_finish(attempt=first)

    second = services.attempt_start(user=learner, quiz=quiz)

    assert second.number == 2
    assert second.is_open


def test_an_answer_to_a_question_not_in_the_attempt_is_refused(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    stranger = QuestionFactory()

    with pytest.raises(services.QuizError, match="not part of this attempt"):
        services.response_save(
            attempt=attempt,
            question_id=stranger.pk,
            choice_ids=[stranger.choices.first().pk],
            expected_version=0,
        )
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_a_choice_of_another_question_is_refused(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    first, second = response_at(attempt, 1), response_at(attempt, 2)

    with pytest.raises(services.QuizError, match="does not belong"):
        save(attempt, first, choice_ids(second, correct=True))
    assert not Response.objects.get(pk=first.pk).is_answered


def test_two_ticks_on_a_single_answer_question_are_refused(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)

    with pytest.raises(services.QuizError, match="single answer"):
        save(attempt, response, list(response.question.choices.values_list("pk", flat=True)))


def test_cbm_requires_a_certainty_and_marks_with_it(learner):
    quiz = QuizFactory(questions__count=1, certainty_based_marking=True)
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)
    wrong = choice_ids(response, correct=False)[:1]

    with pytest.raises(services.QuizError, match="how sure"):
        save(attempt, response, wrong)
    saved = save(attempt, response, wrong, confidence="high")

    assert saved.marks == -6
    finished = services.attempt_finish(attempt=attempt)
    assert (finished.score, finished.max_score, finished.raw_score) == (-6, 3, 0)


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_expires(learner, exam_quiz):
    start = timezone.now() - timedelta(minutes=11)
    attempt = services.attempt_start(user=learner, quiz=exam_quiz, now=start)
    first = response_at(attempt, 1)
    save(attempt, first, choice_ids(first, correct=True), now=start + timedelta(minutes=1))
    late = response_at(attempt, 3)

    with pytest.raises(services.AttemptClosed, match="Time is up"):
        save(attempt, late, choice_ids(late, correct=True))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert (attempt.score, attempt.max_score) == (1, 3)
    assert not Response.objects.get(pk=late.pk).is_answered


def test_the_sweep_closes_overdue_attempts_nobody_looks_at(exam_quiz):
    from django.core.management import call_command

    long_ago = timezone.now() - timedelta(hours=1)
    overdue = services.attempt_start(user=UserFactory(), quiz=exam_quiz, now=long_ago)
    current = services.attempt_start(user=UserFactory(), quiz=exam_quiz)

    call_command("quizzes_expire_overdue")

    overdue.refresh_from_db()
    current.refresh_from_db()
    assert overdue.state == Attempt.State.EXPIRED
    assert current.state == Attempt.State.IN_PROGRESS


def test_a_finished_attempt_takes_no_more_answers(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    services.attempt_finish(attempt=attempt)
    response = response_at(attempt, 1)

    with pytest.raises(services.AttemptClosed):
        save(attempt, response, choice_ids(response, correct=True))
    with pytest.raises(services.AttemptClosed):
        services.attempt_finish(attempt=attempt)


def test_multiple_response_partial_credit_is_summed_into_the_score(learner, exam_quiz):
    attempt = services.attempt_start(user=learner, quiz=exam_quiz)
    multiple = response_at(attempt, 2)
    save(attempt, multiple, choice_ids(multiple, correct=True)[:1])

    finished = services.attempt_finish(attempt=attempt)

    assert (finished.score, finished.max_score, finished.percent) == (0.5, 3, 16.7)


def test_finishing_schedules_each_answered_question_for_review(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    right, wrong = response_at(attempt, 1), response_at(attempt, 2)
    save(attempt, right, choice_ids(right, correct=True), confidence="high")
    save(attempt, wrong, choice_ids(wrong, correct=False)[:1])
    now = timezone.now()

    services.attempt_finish(attempt=attempt, now=now)

    cards = {card.question_id: card for card in ReviewCard.objects.filter(user=learner)}
    assert set(cards) == {right.question_id, wrong.question_id}
    assert cards[right.question_id].last_rating == 4  # Easy
    assert cards[wrong.question_id].last_rating == 1  # Again
    assert cards[wrong.question_id].due < cards[right.question_id].due


def test_answering_again_reschedules_the_same_card(learner, quiz):
    for _ in range(2):
        attempt = services.attempt_start(user=learner, quiz=quiz)
        response = response_at(attempt, 1)
        save(attempt, response, choice_ids(response, correct=True))
        services.attempt_finish(attempt=attempt)

    card = ReviewCard.objects.get(user=learner)
    assert card.reviews == 2


def test_an_answer_to_a_replaced_version_reviews_the_card_on_the_version_now_shown(learner, quiz):
    """An attempt started before an edit made a new version still answers the old one; the
    learner's card, which moved to the new version, is the one that answer reviews."""
    for finish_the_first in (True, False):
        attempt = services.attempt_start(user=learner, quiz=quiz)
        response = response_at(attempt, 1)
        save(attempt, response, choice_ids(response, correct=True))
        if finish_the_first:
            services.attempt_finish(attempt=attempt)
    old = response.question
    new = bank.question_version_create(
        edited=old, choices=list(old.choices.all()), topics=list(old.topics.all())
    )

    services.attempt_finish(attempt=attempt)

    card = ReviewCard.objects.get(user=learner)
    assert (card.question_id, card.reviews) == (new.pk, 2)


def test_review_session_holds_the_due_questions(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    response = response_at(attempt, 1)
    save(attempt, response, choice_ids(response, correct=False)[:1])
    services.attempt_finish(attempt=attempt)

    review = services.review_quiz_create(user=learner, now=timezone.now() + timedelta(days=1))

    assert list(review.questions.all()) == [response.question]
    assert review.owner == learner


def test_review_session_is_refused_when_nothing_is_due(learner):
    with pytest.raises(services.QuizError, match="Nothing is due"):
        services.review_quiz_create(user=learner)


@pytest.mark.parametrize(
    ("pool", "expected"), [("unused", {3}), ("wrong", {2}), ("flagged", {1}), ("all", {1, 2, 3})]
)
def test_custom_practice_draws_from_the_chosen_pool(learner, quiz, pool, expected):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    first, second = response_at(attempt, 1), response_at(attempt, 2)
    save(attempt, first, choice_ids(first, correct=True))
    save(attempt, second, choice_ids(second, correct=False)[:1])
    services.response_flag(attempt=attempt, question_id=first.question_id, flagged=True)
    services.attempt_finish(attempt=attempt)
    positions = {link.question_id: link.order for link in quiz.quiz_questions.all()}

    practice = services.practice_quiz_create(user=learner, topic_ids=[], count=10, pool=pool)

    assert {positions[q.pk] for q in practice.questions.all()} == expected


def test_custom_practice_with_an_unknown_topic_is_refused(learner, quiz):
    with pytest.raises(services.QuizError, match="does not exist"):
        services.practice_quiz_create(user=learner, topic_ids=[987654], count=5, pool="all")


def test_practice_and_review_sessions_show_each_attempt_its_own_option_order(learner):
    questions = QuestionFactory.create_batch(20, choices__correct=1, choices__wrong=3)
    authored = {q.pk: [c.pk for c in q.choices.order_by("order", "pk")] for q in questions}

    practice = services.practice_quiz_create(user=learner, topic_ids=[], count=20, pool="all")
    attempt = services.attempt_start(user=learner, quiz=practice)

    shown = {r.question_id: r.choice_order for r in attempt.responses.all()}
    assert all(sorted(shown[pk]) == sorted(ids) for pk, ids in authored.items())
    keys_first = sum(shown[pk][0] == ids[0] for pk, ids in authored.items())
    assert keys_first < 15, "the key, written first, must not stay first"


def test_true_false_questions_keep_their_authored_order_true_then_false(learner):
    questions = QuestionFactory.create_batch(10, kind="true_false")
    quiz = QuizFactory(questions=questions)

    attempt = services.attempt_start(user=learner, quiz=quiz)

    for response in attempt.responses.select_related("question"):
        authored = list(response.question.choices.values_list("pk", flat=True))
        assert response.choice_order == authored
