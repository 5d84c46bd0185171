import pytest

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
