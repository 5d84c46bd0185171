"""FSRS scheduling of review cards, translated to and from our ReviewCard rows.

How an answer maps to an FSRS rating (docs/quizzes.md):
wrong or partly right = Again; right with low confidence = Hard; right with high
confidence = Easy; right otherwise = Good.
"""

from __future__ import annotations

from datetime import datetime

from fsrs import Card, Rating, Scheduler, State

from quizzes.models import Confidence, ReviewCard

# Fuzzing spreads due dates at random; switched off so a learner's schedule is reproducible.
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for_answer(*, is_correct: bool, confidence: str) -> Rating:
    if not is_correct:
        return Rating.Again
    if confidence == Confidence.LOW:
        return Rating.Hard
    if confidence == Confidence.HIGH:
        return Rating.Easy
    return Rating.Good


def card_review(*, card: ReviewCard, rating: Rating, reviewed_at: datetime) -> None:
    """Reschedule `card` in place (the caller saves it)."""
    if card.reviews == 0:
        fsrs_card = Card(card_id=card.question_id, due=reviewed_at)
    else:
        fsrs_card = Card(
            card_id=card.question_id,
            state=State(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )
    updated, _ = SCHEDULER.review_card(fsrs_card, rating, review_datetime=reviewed_at)
    card.state = updated.state.value
    card.step = updated.step
    card.stability = updated.stability
    card.difficulty = updated.difficulty
    card.due = updated.due
    card.last_review = updated.last_review
    card.last_rating = rating.value
    card.reviews += 1
    if rating == Rating.Again and card.reviews > 1:
        card.lapses += 1
