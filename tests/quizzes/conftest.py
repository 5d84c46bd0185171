import pytest

from quizzes import services
from quizzes.models import Attempt, Response
from tests.factories import QuestionFactory, QuizFactory


@pytest.fixture
def quiz(db):
    """An untimed tutor quiz of three single-answer questions (option 1 is right)."""
    return QuizFactory(questions__count=3)


@pytest.fixture
def exam_quiz(db):
    """A timed exam of three questions: one single, one multiple response, one true/false."""
    questions = [
        QuestionFactory(),
        QuestionFactory(kind="multiple", choices__correct=2, choices__wrong=2),
        QuestionFactory(kind="true_false"),
    ]
    return QuizFactory(questions=questions, mode="exam", time_limit_minutes=10)


def response_at(attempt: Attempt, position: int) -> Response:
    return attempt.responses.select_related("question").get(position=position)


def choice_ids(response: Response, *, correct: bool) -> list[int]:
    return list(response.question.choices.filter(is_correct=correct).values_list("pk", flat=True))


def hand_in_first_answer(user, quiz, *, right: bool) -> Attempt:
    """Start ``quiz``, answer its first question right or wrong, and hand it in."""
    attempt = services.attempt_start(user=user, quiz=quiz)
    response = response_at(attempt, 1)
    services.response_save(
        attempt=attempt,
        question_id=response.question_id,
        choice_ids=choice_ids(response, correct=right)[:1],
        expected_version=0,
    )
    return services.attempt_finish(attempt=attempt)


def finish_quiz_on_topic(learner, topic, *, right: bool) -> Attempt:
    """A one-question quiz on ``topic``, answered right or wrong and handed in."""
    quiz = QuizFactory(questions=[QuestionFactory(topics=[topic])])
    return hand_in_first_answer(learner, quiz, right=right)
