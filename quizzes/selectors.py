"""Every read for the quiz pages, each in a fixed number of queries however much data grows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from edu_site.models import User
from quizzes import charts, item_writing
from quizzes.models import Attempt, Choice, Question, Quiz, Response, ReviewCard, Topic

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CLOSED_STATES = (Attempt.State.FINISHED, Attempt.State.EXPIRED)
WEAKEST_TOPICS_SHOWN = 3
MASTERY_TARGET_PERCENT = 80
"""A topic under this share of marks is offered for practice; our choice, not a source's."""
HISTORY_SHOWN = 10
PRACTICE_CARRY_ON = timedelta(days=1)
"""How long an unfinished practice or review session stays under "Carry on"; our choice."""


def quizzes_for_learner(*, user: User) -> QuerySet[Quiz]:
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


def attempt_for_user(*, user: User, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is a 404, never a 403 that confirms it exists."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id, user=user)


def _with_choices(responses: QuerySet[Response]) -> QuerySet[Response]:
    return responses.select_related("question").prefetch_related(
        Prefetch("question__choices", queryset=Choice.objects.order_by("order", "pk")),
        Prefetch("chosen", queryset=Choice.objects.only("pk")),
    )


def response_shown(
    response: Response,
    chosen_ids: Collection[int] | None = None,
    choices: Iterable[Choice] | None = None,
) -> Response:
    """Set `.ordered_choices` (as this attempt shows them) and `.chosen_ids` on one response
    whose question is loaded; its choices are read unless prefetched or given, and its
    chosen ids unless prefetched or given (the answer just saved stored exactly those)."""
    by_id = {
        choice.pk: choice
        for choice in (choices if choices is not None else response.question.choices.all())
    }
    shown = [by_id[pk] for pk in response.choice_order if pk in by_id]
    response.ordered_choices = shown + [c for c in by_id.values() if c not in shown]
    response.chosen_ids = (
        set(chosen_ids)
        if chosen_ids is not None
        else {choice.pk for choice in response.chosen.all()}
    )
    return response


def attempt_responses(*, attempt: Attempt) -> list[Response]:
    """The attempt's responses in order, each with `.ordered_choices` and `.chosen_ids`."""
    return [
        response_shown(response)
        for response in _with_choices(attempt.responses.order_by("position"))
    ]


class NavItem(TypedDict):
    """One question in the list beside the question shown."""

    pk: int
    position: int
    is_answered: bool
    flagged: bool


def attempt_navigation(*, attempt: Attempt) -> list[NavItem]:
    """Every response's state in order: what the list of questions shows.

    A question page needs every response's state but one question's text and choices, so
    it does not read the whole attempt's questions (an answer's reply needs only
    ``attempt_counts``).
    """
    rows = attempt.responses.order_by("position").values_list(
        "pk", "position", "answered_at", "flagged"
    )
    return [
        NavItem(pk=pk, position=position, is_answered=answered_at is not None, flagged=flagged)
        for pk, position, answered_at, flagged in rows
    ]


class AttemptCounts(NamedTuple):
    """How many questions an attempt has and how many of them are answered."""

    questions: int
    answered: int


def attempt_counts(*, attempt: Attempt) -> AttemptCounts:
    """The counts beside the question list: what an answer's reply updates besides its own
    question, read without reading every response."""
    totals = attempt.responses.aggregate(questions=Count("pk"), answered=Count("answered_at"))
    return AttemptCounts(questions=totals["questions"], answered=totals["answered"])


def attempt_response(*, attempt: Attempt, response_id: int) -> Response:
    """One response of the attempt, shown: its question, ordered choices and chosen ids."""
    return response_shown(_with_choices(attempt.responses.all()).get(pk=response_id))


PEERS_MIN_LEARNERS = 5
"""Below this many other learners a % correct says more about them than about the question."""


@dataclass(frozen=True)
class PeerFigure:
    """Other learners' closed-attempt answers to one question: how many, and the % right."""

    learners: int
    answers: int
    percent_right: int


def peers_percent_correct(
    *, question_ids: list[int], excluding_user: User | int
) -> dict[int, PeerFigure]:
    """For each question answered by at least PEERS_MIN_LEARNERS others, their % right."""
    rows = (
        Response.objects.filter(
            question_id__in=question_ids,
            attempt__state__in=CLOSED_STATES,
            answered_at__isnull=False,
        )
        .exclude(attempt__user=excluding_user)
        .values("question_id")
        .annotate(
            learners=Count("attempt__user", distinct=True),
            answers=Count("pk"),
            right=Count("pk", filter=Q(is_correct=True)),
        )
    )
    return {
        row["question_id"]: PeerFigure(
            learners=row["learners"],
            answers=row["answers"],
            percent_right=round(100 * row["right"] / row["answers"]),
        )
        for row in rows
        if row["learners"] >= PEERS_MIN_LEARNERS
    }


def attempts_in_progress(*, user: User, now: datetime | None = None) -> QuerySet[Attempt]:
    """Open quiz attempts whose time has not run out, most recent first, for the dashboard.

    A practice or review session is a learner's scratch work: after a day it leaves
    "Carry on" (it stays open at its address and on My progress once handed in).
    """
    now = now or timezone.now()
    return (
        Attempt.objects.filter(user=user, state=Attempt.State.IN_PROGRESS)
        .filter(Q(deadline__isnull=True) | Q(deadline__gt=now))
        .exclude(quiz__owner__isnull=False, started_at__lt=now - PRACTICE_CARRY_ON)
        .select_related("quiz")
        .order_by("-started_at")
    )


def review_cards_due(*, user: User, now: datetime | None = None) -> QuerySet[ReviewCard]:
    now = now or timezone.now()
    return (
        ReviewCard.objects.filter(user=user, due__lte=now, question__status=Question.Status.READY)
        .select_related("question")
        .order_by("due")
    )


class QuestionCount(TypedDict):
    question_count: int


def topics_for_practice() -> QuerySet[WithAnnotations[Topic, QuestionCount]]:
    """Every topic with its count of ready questions, for the practice form."""
    ready = Q(questions__status=Question.Status.READY)
    return (
        Topic.objects.select_related("parent")
        .annotate(question_count=Count("questions", filter=ready, distinct=True))
        .order_by("parent__name", "name")
    )


@dataclass(frozen=True)
class TopicTally:
    """Answers given on one topic and the marks they earned (each answer scores 0 to 1)."""

    answers: int
    earned: float


@dataclass(frozen=True)
class TopicMastery:
    """A learner's share of marks on one topic, from quizzes and any other practice."""

    topic: Topic
    answers: int
    percent: float

    @property
    def pk(self) -> int:
        return self.topic.pk

    def __str__(self) -> str:
        return str(self.topic)


def topic_mastery(
    *, user: User, other_tallies: Mapping[str, TopicTally] | None = None
) -> list[TopicMastery]:
    """Mastery per topic, weakest first, in two queries however many answers there are.

    Quiz answers are tallied here; answers given elsewhere (a case's interpretation
    questions) arrive as tallies keyed by topic slug, so this app needs no other app.
    """
    other_tallies = other_tallies or {}
    quiz_rows = (
        Response.objects.filter(
            attempt__user=user,
            attempt__state__in=CLOSED_STATES,
            answered_at__isnull=False,
            question__topics__isnull=False,
        )
        .values("question__topics")
        .annotate(answers=Count("pk"), earned=Sum("fraction"))
    )
    by_topic_id = {
        row["question__topics"]: TopicTally(row["answers"], row["earned"] or 0.0)
        for row in quiz_rows
    }
    topics = Topic.objects.select_related("parent").filter(
        Q(pk__in=by_topic_id) | Q(slug__in=other_tallies)
    )
    mastery = []
    for topic in topics:
        quiz = by_topic_id.get(topic.pk, TopicTally(0, 0.0))
        other = other_tallies.get(topic.slug, TopicTally(0, 0.0))
        answers = quiz.answers + other.answers
        if answers:
            percent = 100.0 * (quiz.earned + other.earned) / answers
            mastery.append(TopicMastery(topic=topic, answers=answers, percent=percent))
    return sorted(mastery, key=lambda entry: (entry.percent, entry.topic.name))


def quiz_progress(
    user: User, *, other_tallies: Mapping[str, TopicTally] | None = None
) -> dict[str, object]:
    """Context for the quiz section of /progress/: history, mastery by topic, review queue."""
    history = list(
        Attempt.objects.filter(user=user, state__in=CLOSED_STATES)
        .select_related("quiz")
        .order_by("-finished_at", "-pk")[:HISTORY_SHOWN]
    )
    mastery = topic_mastery(user=user, other_tallies=other_tallies)
    return {
        "quiz_history": history,
        "quiz_chart": charts.score_over_time(list(reversed(history))),
        "quiz_mastery": sorted(mastery, key=lambda topic: str(topic)),
        "quiz_weakest_topics": [
            entry for entry in mastery if entry.percent < MASTERY_TARGET_PERCENT
        ][:WEAKEST_TOPICS_SHOWN],
        "quiz_due_count": review_cards_due(user=user).count(),
    }


def bank_item_writing(
    *, topic: Topic | None = None
) -> tuple[item_writing.BankReport, list[tuple[Question, list[item_writing.Warning]]]]:
    """The item-writing report over the bank's current versions (retired ones left out).

    Two queries however large the bank: the questions, then all their choices.
    """
    questions = (
        Question.objects.exclude(status=Question.Status.RETIRED)
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
        .order_by("pk")
    )
    if topic is not None:
        questions = questions.filter(
            topics__in=[topic.pk, *topic.children.values_list("pk", flat=True)]
        ).distinct()
    checked = [(question, question.item_writing_warnings()) for question in questions]
    return item_writing.bank_report(warnings for _, warnings in checked), checked
