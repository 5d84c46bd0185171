import pytest

from tests.factories import QuestionFactory, QuizFactory


@pytest.fixture
def two_question_quiz(db):
    """A published tutor quiz: a single-answer and a multiple-response question."""
    return QuizFactory(questions=[QuestionFactory(), QuestionFactory(kind="multiple")])


@pytest.fixture
def another_quiz(db):
    return QuizFactory(questions__count=2)
