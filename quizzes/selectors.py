"""Every read for the quiz pages, each in a fixed number of queries however much data grows."""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    Count,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone

from quizzes.models import Attempt, Choice, Question, Quiz, Response, ReviewCard, Topic

CLOSED_STATES = (Attempt.State.FINISHED, Attempt.State.EXPIRED)
WEAKEST_TOPICS_SHOWN = 3
HISTORY_SHOWN = 10


def quizzes_for_learner(*, user) -> QuerySet[Quiz]:
    """Published shared quizzes, each with the learner's last result and open attempt."""
    own_attempts = Attempt.objects.filter(user=user, quiz=OuterRef("pk"))
    last_closed = own_attempts.filter(state__in=CLOSED_STATES).order_by("-finished_at", "-pk")
    return (
        Quiz.objects.filter(is_published=True, owner__isnull=True)
        .annotate(
            question_count=Count("quiz_questions", distinct=True),
            attempts_taken=Subquery(
                own_attempts.values("quiz").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            last_attempt_id=Subquery(last_closed.values("pk")[:1]),
            last_score=Subquery(last_closed.values("score")[:1]),
            last_max_score=Subquery(last_closed.values("max_score")[:1]),
            last_finished_at=Subquery(last_closed.values("finished_at")[:1]),
            open_attempt_id=Subquery(
                own_attempts.filter(state=Attempt.State.IN_PROGRESS).values("pk")[:1]
            ),
        )
        .order_by("title")
    )


def attempt_for_user(*, user, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is a 404, never a 403 that confirms it exists."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id, user=user)


def attempt_responses(*, attempt: Attempt) -> list[Response]:
    """The attempt's responses in order, each with `.ordered_choices` and `.chosen_ids`."""
    responses = list(
        attempt.responses.select_related("question")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("order", "pk")),
            Prefetch("chosen", queryset=Choice.objects.only("pk")),
        )
        .order_by("position")
    )
    for response in responses:
        by_id = {choice.pk: choice for choice in response.question.choices.all()}
        shown = [by_id[pk] for pk in response.choice_order if pk in by_id]
        response.ordered_choices = shown + [c for c in by_id.values() if c not in shown]
        response.chosen_ids = {choice.pk for choice in response.chosen.all()}
    return responses


def peers_percent_correct(*, question_ids: list[int], excluding_user) -> dict[int, float]:
    """For each question, the % of other learners' closed-attempt answers that were right."""
    rows = (
        Response.objects.filter(
            question_id__in=question_ids,
            attempt__state__in=CLOSED_STATES,
            answered_at__isnull=False,
        )
        .exclude(attempt__user=excluding_user)
        .values("question_id")
        .annotate(answers=Count("pk"), right=Count("pk", filter=Q(is_correct=True)))
    )
    return {row["question_id"]: round(100 * row["right"] / row["answers"]) for row in rows}


def review_cards_due(*, user, now: datetime | None = None) -> QuerySet[ReviewCard]:
    now = now or timezone.now()
    return (
        ReviewCard.objects.filter(user=user, due__lte=now, question__status="published")
        .select_related("question")
        .order_by("due")
    )


def topics_for_practice() -> QuerySet[Topic]:
    published = Q(questions__status=Question.Status.PUBLISHED)
    return (
        Topic.objects.select_related("parent")
        .annotate(question_count=Count("questions", filter=published, distinct=True))
        .order_by("parent__name", "name")
    )


def quiz_progress(user) -> dict[str, object]:
    """Context for the quiz section of /progress/: history, mastery by topic, review queue."""
    history = list(
        Attempt.objects.filter(user=user, state__in=CLOSED_STATES)
        .select_related("quiz")
        .order_by("-finished_at", "-pk")[:HISTORY_SHOWN]
    )
    mastery = list(
        Topic.objects.filter(
            questions__responses__attempt__user=user,
            questions__responses__attempt__state__in=CLOSED_STATES,
            questions__responses__answered_at__isnull=False,
        )
        .select_related("parent")
        .annotate(
            answers=Count("questions__responses"),
            percent=Cast(100.0, FloatField())
            * Sum("questions__responses__fraction")
            / Count("questions__responses"),
        )
        .order_by("percent", "name")
    )
    return {
        "quiz_history": history,
        "quiz_history_oldest_first": list(reversed(history)),
        "quiz_mastery": sorted(mastery, key=lambda topic: str(topic)),
        "quiz_weakest_topics": mastery[:WEAKEST_TOPICS_SHOWN],
        "quiz_due_count": review_cards_due(user=user).count(),
    }
