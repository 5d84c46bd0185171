"""Migrating a live bank to versions keeps every answer pointing at what it showed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("quizzes", "0002_shuffle_choices_by_default")]


@pytest.mark.django_db(transaction=True)
def test_existing_answers_keep_their_question_and_published_becomes_ready():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    learner = old.get_model("edu_site", "User").objects.create(username="before")
    question = old.get_model("quizzes", "Question").objects.create(
        kind="single", stem="Shown stem?", explanation="E", references="R", status="published"
    )
    choice = old.get_model("quizzes", "Choice").objects.create(
        question=question, text="Shown option", is_correct=True, explanation="E"
    )
    quiz = old.get_model("quizzes", "Quiz").objects.create(title="Q", slug="q")
    attempt = old.get_model("quizzes", "Attempt").objects.create(
        user=learner, quiz=quiz, number=1, started_at="2026-01-01T00:00:00Z"
    )
    response = old.get_model("quizzes", "Response").objects.create(
        attempt=attempt, question=question, position=1, choice_order=[choice.pk]
    )
    old.get_model("quizzes", "ResponseChoice").objects.create(response=response, choice=choice)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from quizzes.models import Question, Response, ResponseChoice

    migrated = Question.objects.get(pk=question.pk)
    kept = Response.objects.get(pk=response.pk)
    assert (migrated.status, migrated.version, migrated.family) == (
        "ready",
        1,
        f"op-q{question.pk}",
    )
    assert (kept.question_id, kept.choice_order) == (question.pk, [choice.pk])
    assert kept.question.stem == "Shown stem?"
    assert ResponseChoice.objects.get(response=kept).choice.text == "Shown option"
