"""Shared set-up for the class tests: a class taught by `educator` with `learner` in it."""

import pytest

from edu_site.classes import services
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.factories import AssignmentFactory, ClassFactory, EnrollmentFactory
from tests.quizzes.conftest import choice_ids, response_at


@pytest.fixture
def klass(educator):
    return ClassFactory(educators=[educator], name="Respiratory block")


@pytest.fixture
def enrolled(klass, learner):
    return EnrollmentFactory(klass=klass, learner=learner)


@pytest.fixture
def quiz_assignment(klass):
    return AssignmentFactory(klass=klass)


def hand_in_assigned_quiz(learner, assignment, *, right: bool = True) -> Attempt:
    """Start the assignment's quiz through the class, answer every question, hand it in."""
    attempt = services.assignment_attempt_start(learner=learner, assignment=assignment)
    assert isinstance(attempt, Attempt)
    for position in range(1, attempt.responses.count() + 1):
        response = response_at(attempt, position)
        quiz_services.response_save(
            attempt=attempt,
            question_id=response.question_id,
            choice_ids=choice_ids(response, correct=right)[:1],
            expected_version=0,
        )
    return quiz_services.attempt_finish(attempt=attempt)
