"""Every write to quizzes: keyword-only functions, each one transaction, validating first.

The pages (views.py) and the REST API (api.py) call these same functions. A refused
request raises QuizError with a message fit to show the learner, and changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from edu_site.models import User
from edu_site.refusals import Conflict, Refusal
from quizzes import scoring, spaced_review
from quizzes.models import (
    Attempt,
    Choice,
    Confidence,
    Question,
    Quiz,
    QuizQuestion,
    Response,
    ResponseChoice,
    ReviewCard,
    Topic,
)
from quizzes.selectors import response_shown, review_cards_due

MAX_SECONDS_ON_ONE_ANSWER = 3600
REVIEW_SESSION_SIZE = 20
PRACTICE_MAX_QUESTIONS = 50
REVIEW_CARD_FIELDS = [
    *("state", "step", "stability", "difficulty", "due", "last_review"),
    *("last_rating", "reviews", "lapses"),
]


class QuizError(Refusal):
    """A request the rules refuse; the message is written for the learner. Raised as is,
    it is bad input (400): an unknown question or choice, a missing confidence."""


class QuizConflict(QuizError, Conflict):
    """Allowed input the attempt's state refuses now (409)."""


class AttemptClosed(QuizConflict):
    """The attempt was handed in or timed out; nothing in it changes any more."""


class StaleAnswer(QuizConflict):
    """The answer changed on another page since this one was shown."""


# --- attempts -----------------------------------------------------------------------------


def attempt_start(*, user: User, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Resume the learner's open attempt on `quiz`, or start the next one if allowed.

    The check for an open attempt, the count of attempts used and the insert run in one
    transaction; the database's one-open-attempt constraint settles the race the check
    cannot see (a double-clicked Start on PostgreSQL), and the loser resumes the winner.
    """
    now = now or timezone.now()
    if not (quiz.is_published or quiz.owner_id == user.pk):
        raise QuizConflict("This quiz is not open.")
    with transaction.atomic():
        open_attempt = _open_attempt(user=user, quiz=quiz, now=now)
        if open_attempt is not None:
            return open_attempt
        taken = Attempt.objects.filter(user=user, quiz=quiz).count()
        if quiz.attempts_allowed and taken >= quiz.attempts_allowed:
            raise QuizConflict(
                f"You have used all {quiz.attempts_allowed} attempts allowed on this quiz."
            )
        questions = _questions_for_attempt(quiz)
        if not questions:
            raise QuizConflict("This quiz has no questions yet.")
        try:
            with transaction.atomic():
                return _attempt_create(
                    user=user, quiz=quiz, number=taken + 1, questions=questions, now=now
                )
        except IntegrityError:
            pass
    # Another request for the same learner and quiz committed first; that attempt is theirs.
    winner = Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
    if winner is None:
        raise QuizConflict("This quiz was just started and closed on another page; start again.")
    return winner


def _attempt_create(
    *, user: User, quiz: Quiz, number: int, questions: list[Question], now: datetime
) -> Attempt:
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
    )
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=question,
            position=position,
            choice_order=_choice_order(question, shuffle=quiz.shuffle_choices),
        )
        for position, question in enumerate(questions, start=1)
    )
    return attempt


def _open_attempt(*, user: User, quiz: Quiz, now: datetime) -> Attempt | None:
    attempt = Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
    if attempt is None or attempt_expire_if_overdue(attempt=attempt, now=now):
        return None
    return attempt


def _questions_for_attempt(quiz: Quiz) -> list[Question]:
    """The questions of a new attempt: only ready ones, even if a quiz still lists others."""
    if quiz.selection == Quiz.Selection.FIXED:
        questions = [
            link.question
            for link in QuizQuestion.objects.filter(
                quiz=quiz, question__status=Question.Status.READY
            )
            .select_related("question")
            .prefetch_related("question__choices")
        ]
    else:
        topics = list(quiz.draw_topics.all())
        pool = Question.objects.filter(status=Question.Status.READY)
        if topics:
            pool = pool.filter(topics__in=_with_subtopics(topics)).distinct()
        if quiz.draw_difficulty:
            pool = pool.filter(difficulty=quiz.draw_difficulty)
        candidates = list(pool.prefetch_related("choices"))
        questions = random.sample(candidates, min(quiz.draw_count or 0, len(candidates)))
    if quiz.shuffle_questions:
        random.shuffle(questions)
    return questions


def _with_subtopics(topics: Iterable[Topic]) -> list[int]:
    ids = {topic.pk for topic in topics}
    return [*ids, *Topic.objects.filter(parent_id__in=ids).values_list("pk", flat=True)]


def _choice_order(question: Question, *, shuffle: bool) -> list[int]:
    """The options as this attempt shows them, stored on the response so a reload keeps it.

    Authors tend to write the key first; without a shuffle, ticking the first option
    scores well. True/false keeps its conventional order (True, then False).
    """
    ids = [choice.pk for choice in question.choices.all()]
    if shuffle and question.kind != Question.Kind.TRUE_FALSE:
        random.shuffle(ids)
    return ids


def attempt_expire_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Close an attempt past its deadline, scored with what was saved. True if it expired."""
    now = now or timezone.now()
    if not attempt.is_overdue(now):
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_open:
            _attempt_close(attempt=locked, state=Attempt.State.EXPIRED, now=locked.deadline or now)
    attempt.refresh_from_db()
    return True


def attempts_expire_overdue(*, user: User | None = None, now: datetime | None = None) -> int:
    """Sweep every overdue attempt (or one learner's); the count closed."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=now)
    if user is not None:
        overdue = overdue.filter(user=user)
    return sum(attempt_expire_if_overdue(attempt=attempt, now=now) for attempt in overdue)


def attempt_finish(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Hand in an attempt: score it and schedule every answered question for review."""
    now = now or timezone.now()
    if attempt_expire_if_overdue(attempt=attempt, now=now):
        return attempt
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open:
            raise AttemptClosed("This attempt is already finished.")
        _attempt_close(attempt=locked, state=Attempt.State.FINISHED, now=now)
    attempt.refresh_from_db()
    return attempt


def _attempt_close(*, attempt: Attempt, state: str, now: datetime) -> None:
    totals = attempt.responses.aggregate(
        marks=Sum("marks"), fractions=Sum("fraction"), questions=Count("pk")
    )
    per_question = scoring.max_marks_per_question(
        certainty_based=attempt.quiz.certainty_based_marking
    )
    attempt.state = state
    attempt.finished_at = now
    attempt.score = totals["marks"] or 0.0
    attempt.raw_score = totals["fractions"] or 0.0
    attempt.max_score = float(per_question * totals["questions"])
    attempt.save(update_fields=["state", "finished_at", "score", "raw_score", "max_score"])
    _review_cards_record(attempt=attempt, reviewed_at=now)


def _review_cards_record(*, attempt: Attempt, reviewed_at: datetime) -> None:
    """Schedule each answered question's review card, kept on its family's newest version.

    An attempt started before a question was replaced answers the old version; the card
    belongs to the question as learners meet it now (where an edit in admin or seed_demo
    moved it), so the old version's answer reviews that card rather than starting a
    second one on a version nobody is shown any more.
    """
    answered = list(
        attempt.responses.filter(answered_at__isnull=False).values(
            "question_id", "question__family", "is_correct", "confidence"
        )
    )
    newest = dict(
        Question.objects.filter(
            family__in={row["question__family"] for row in answered}, next_version__isnull=True
        ).values_list("family", "pk")
    )
    cards = {
        card.question_id: card
        for card in ReviewCard.objects.filter(
            user_id=attempt.user_id, question_id__in=newest.values()
        )
    }
    new_cards: dict[int, ReviewCard] = {}
    for row in answered:
        question_id = newest.get(row["question__family"], row["question_id"])
        card = cards.get(question_id)
        if card is None:
            card = cards[question_id] = new_cards[question_id] = ReviewCard(
                user_id=attempt.user_id, question_id=question_id
            )
        rating = spaced_review.rating_for_answer(
            is_correct=row["is_correct"], confidence=row["confidence"]
        )
        spaced_review.card_review(card=card, rating=rating, reviewed_at=reviewed_at)
    ReviewCard.objects.bulk_create(new_cards.values())
    ReviewCard.objects.bulk_update(
        [card for question_id, card in cards.items() if question_id not in new_cards],
        REVIEW_CARD_FIELDS,
    )


# --- responses ----------------------------------------------------------------------------


def response_save(
    *,
    attempt: Attempt,
    question_id: int,
    choice_ids: Collection[int],
    confidence: str = "",
    expected_version: int,
    shown_at: datetime | None = None,
    now: datetime | None = None,
) -> Response:
    """Save one answer as given; the response comes back as a page shows it (its choices
    in this attempt's order and the ones chosen), so a reply reads nothing again.

    A retried request that repeats the stored answer saves nothing new; a different
    answer from a page rendered before the latest save is refused as stale. Only the
    response, the question's choices and the ticks are read and written: an answer is
    one of every learner's most frequent requests.
    """
    now = now or timezone.now()
    if attempt_expire_if_overdue(attempt=attempt, now=now):
        raise AttemptClosed("Time is up: this attempt was closed at its deadline.")
    with transaction.atomic():
        # Lock the attempt (every save and hand-in does) and read only its state afresh.
        attempt.state = (
            Attempt.objects.select_for_update().values_list("state", flat=True).get(pk=attempt.pk)
        )
        if not attempt.is_open:
            raise AttemptClosed("This attempt is finished; answers can no longer change.")
        response = _response_in_attempt(attempt=attempt, question_id=question_id)
        choices = list(Choice.objects.filter(question_id=question_id))
        chosen = _validated_choices(response=response, choices=choices, choice_ids=choice_ids)
        confidence = _validated_confidence(quiz=attempt.quiz, confidence=confidence)
        if response.version != expected_version:
            if _same_answer(response, chosen, confidence):
                return response_shown(response, chosen, choices)
            raise StaleAnswer(
                "This answer was changed on another page since this one was shown; "
                "the newer answer is kept. Look again and answer once more if needed."
            )
        if response.is_answered and attempt.quiz.mode == Quiz.Mode.TUTOR:
            raise QuizConflict("In tutor mode an answer is final once checked.")
        marking = scoring.mark_answer(
            kind=response.question.kind,
            correct_ids=[c.pk for c in choices if c.is_correct],
            all_ids=[c.pk for c in choices],
            chosen_ids=chosen,
            certainty_based=attempt.quiz.certainty_based_marking,
            confidence=confidence,
        )
        # The response was read under the attempt's lock, which every save takes first, so
        # its counters are the stored ones and the reply can show it without reading it again.
        saved = {
            "confidence": confidence,
            "answered_at": now,
            "fraction": marking.fraction,
            "is_correct": marking.is_correct,
            "marks": marking.marks,
            "seconds_spent": response.seconds_spent + _seconds_between(shown_at, now),
            "version": expected_version + 1,
        }
        Response.objects.filter(pk=response.pk, version=expected_version).update(**saved)
        if response.is_answered:  # a first answer has no ticks stored to replace
            ResponseChoice.objects.filter(response=response).delete()
        ResponseChoice.objects.bulk_create(
            ResponseChoice(response=response, choice_id=choice_id) for choice_id in chosen
        )
    for field, value in saved.items():
        setattr(response, field, value)
    return response_shown(response, chosen, choices)


def _response_in_attempt(*, attempt: Attempt, question_id: int) -> Response:
    try:
        return Response.objects.select_related("question").get(
            attempt=attempt, question_id=question_id
        )
    except Response.DoesNotExist:
        raise QuizError("That question is not part of this attempt.") from None


def _validated_choices(
    *, response: Response, choices: list[Choice], choice_ids: Collection[int]
) -> set[int]:
    chosen = set(choice_ids)
    if not chosen:
        raise QuizError("Choose an answer before saving.")
    if not chosen <= {choice.pk for choice in choices}:
        raise QuizError("That choice does not belong to this question.")
    if len(chosen) > 1 and not response.question.allows_several_choices:
        raise QuizError("This question takes a single answer.")
    return chosen


def _validated_confidence(*, quiz: Quiz, confidence: str) -> str:
    if confidence and confidence not in Confidence.values:
        raise QuizError("Choose how sure you are: not sure, fairly sure or very sure.")
    if quiz.certainty_based_marking and not confidence:
        raise QuizError("This quiz uses certainty-based marking: say how sure you are.")
    return confidence


def _same_answer(response: Response, chosen: set[int], confidence: str) -> bool:
    stored = set(
        ResponseChoice.objects.filter(response=response).values_list("choice_id", flat=True)
    )
    return response.is_answered and stored == chosen and response.confidence == confidence


def _seconds_between(shown_at: datetime | None, now: datetime) -> int:
    if shown_at is None:
        return 0
    return int(min(max((now - shown_at).total_seconds(), 0), MAX_SECONDS_ON_ONE_ANSWER))


def response_flag(*, attempt: Attempt, question_id: int, flagged: bool) -> Response:
    """Mark a question to come back to; allowed while the attempt is open."""
    if attempt_expire_if_overdue(attempt=attempt):
        raise AttemptClosed("Time is up: this attempt was closed at its deadline.")
    with transaction.atomic():
        if not attempt.is_open:
            raise AttemptClosed("This attempt is finished.")
        response = _response_in_attempt(attempt=attempt, question_id=question_id)
        Response.objects.filter(pk=response.pk).update(flagged=flagged)
    response.flagged = flagged
    return response


# --- custom practice and review -----------------------------------------------------------


class Pool:
    ALL = "all"
    UNUSED = "unused"
    WRONG = "wrong"
    FLAGGED = "flagged"
    CHOICES = [
        (ALL, "All questions"),
        (UNUSED, "Questions I have not answered"),
        (WRONG, "Questions I last answered wrong"),
        (FLAGGED, "Questions I flagged"),
    ]


def practice_quiz_create(
    *, user: User, topic_ids: Collection[int], count: int, pool: str, now: datetime | None = None
) -> Quiz:
    """Build a learner's own tutor-mode quiz from topics, a size and a pool of questions."""
    if not 1 <= count <= PRACTICE_MAX_QUESTIONS:
        raise QuizError(f"Ask for between 1 and {PRACTICE_MAX_QUESTIONS} questions.")
    if pool not in dict(Pool.CHOICES):
        raise QuizError("Choose which questions to practise.")
    topics = list(Topic.objects.filter(pk__in=topic_ids))
    if len(topics) != len(set(topic_ids)):
        raise QuizError("One of those topics does not exist.")
    candidates = _practice_pool(user=user, topics=topics, pool=pool)
    chosen = random.sample(candidates, min(count, len(candidates)))
    if not chosen:
        raise QuizError("No questions match that choice yet; try other topics or another pool.")
    return _practice_quiz_save(user=user, question_ids=chosen, title="Custom practice", now=now)


def _practice_pool(*, user: User, topics: list[Topic], pool: str) -> list[int]:
    """Ready questions for practice; answers and flags count for every version of a question.

    A question answered or flagged at version 1 is still "answered" or "flagged" once an
    educator's edit has made version 2, so pools match on the question's family.
    """
    questions = Question.objects.filter(status=Question.Status.READY)
    if topics:
        questions = questions.filter(topics__in=_with_subtopics(topics))
    own = Response.objects.filter(attempt__user=user)
    if pool == Pool.UNUSED:
        questions = questions.exclude(
            family__in=own.filter(answered_at__isnull=False).values("question__family")
        )
    elif pool == Pool.WRONG:
        questions = questions.filter(
            pk__in=ReviewCard.objects.filter(user=user, last_rating=1).values("question_id")
        )
    elif pool == Pool.FLAGGED:
        questions = questions.filter(family__in=own.filter(flagged=True).values("question__family"))
    return list(questions.values_list("pk", flat=True).distinct())


def review_quiz_create(*, user: User, now: datetime | None = None) -> Quiz:
    """A tutor-mode session of the questions due for review, most overdue first."""
    now = now or timezone.now()
    due = list(
        review_cards_due(user=user, now=now).values_list("question_id", flat=True)[
            :REVIEW_SESSION_SIZE
        ]
    )
    if not due:
        raise QuizConflict("Nothing is due for review now.")
    return _practice_quiz_save(user=user, question_ids=due, title="Review session", now=now)


def practice_discard(*, attempt: Attempt) -> None:
    """Throw away an unfinished practice or review session, the learner's own scratch quiz.

    Only sessions the learner built can go, and only while open: a handed-in session is
    part of their record (its answers scheduled reviews and count toward mastery).
    """
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if locked.quiz.owner_id != locked.user_id:
            raise QuizError("Only your own practice and review sessions can be discarded.")
        if not locked.is_open:
            raise AttemptClosed("This session is handed in and stays in your record.")
        locked.quiz.delete()


def _practice_quiz_save(
    *, user: User, question_ids: list[int], title: str, now: datetime | None
) -> Quiz:
    now = now or timezone.now()
    with transaction.atomic():
        quiz = Quiz.objects.create(
            title=f"{title}, {timezone.localtime(now):%d %b %Y %H:%M}",
            slug=f"practice-{user.pk}-{now:%Y%m%d%H%M%S%f}",
            mode=Quiz.Mode.TUTOR,
            shuffle_choices=True,
            owner=user,
            is_published=False,
        )
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question_id=question_id, order=order)
            for order, question_id in enumerate(question_ids, start=1)
        )
    return quiz
