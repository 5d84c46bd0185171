"""Educators' admin lists stay fast as the question bank and its topics grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def grow_bank(size: int) -> None:
    for _ in range(size):
        parent = TopicFactory()
        child = TopicFactory(parent=parent)
        QuestionFactory(topics=[parent, child])


@pytest.mark.parametrize("page", ["quizzes_question_changelist", "quizzes_question_add"])
def test_question_admin_query_count_does_not_grow_with_topics(
    educator_client, django_assert_num_queries, page
):
    grow_bank(2)
    educator_client.get(reverse(f"admin:{page}"))  # warms Django's content-type cache
    with CaptureQueriesContext(connection) as at_small_size:
        educator_client.get(reverse(f"admin:{page}"))
    grow_bank(8)

    with django_assert_num_queries(len(at_small_size)):
        educator_client.get(reverse(f"admin:{page}"))
