"""Writes to the question bank: new versions of answered questions, and imports.

Kept apart from services.py, which holds the learners' writes (attempts, answers,
practice); both follow the same rules: keyword-only functions, one transaction each,
validating before saving.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max

from quizzes.models import Choice, Question, QuizQuestion, Response, ReviewCard, Topic


def question_is_answered(*, question_id: int) -> bool:
    """Whether any learner has been shown this version (a response row exists)."""
    return Response.objects.filter(question_id=question_id).exists()


def question_version_create(
    *, edited: Question, choices: Sequence[Choice], topics: Iterable[Topic]
) -> Question:
    """Save an author's edit of an answered question as its next version.

    `edited` holds the new wording on the old row's primary key (as a form leaves it);
    the old row is left exactly as learners saw it and retired, so attempts, results and
    item statistics keep the version they showed. Quizzes and learners' review cards move
    to the new version, which is what learners meet from now on.
    """
    with transaction.atomic():
        previous = Question.objects.select_for_update().get(pk=edited.pk)
        latest = Question.objects.filter(family=previous.family).aggregate(v=Max("version"))["v"]
        edited.pk = None
        edited._state.adding = True
        edited.family = previous.family
        edited.version = (latest or previous.version) + 1
        edited.previous_version = previous
        edited.save()
        edited.topics.set(topics)
        Choice.objects.bulk_create(
            Choice(
                question=edited,
                text=choice.text,
                is_correct=choice.is_correct,
                explanation=choice.explanation,
                order=choice.order,
            )
            for choice in choices
        )
        previous.status = Question.Status.RETIRED
        previous.save(update_fields=["status", "updated_at"])
        QuizQuestion.objects.filter(question=previous).update(question=edited)
        ReviewCard.objects.filter(question=previous).update(question=edited)
    return edited
