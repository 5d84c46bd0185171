"""Marking rules: single answer, the multiple-response partial-credit rule, and CBM."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.scoring import answer_fraction, cbm_marks, mark_answer

ALL = [1, 2, 3, 4, 5]


def test_single_answer_scores_one_for_the_right_choice_and_zero_otherwise():
    assert answer_fraction(kind="single", correct_ids=[2], all_ids=ALL, chosen_ids=[2]) == 1
    assert answer_fraction(kind="single", correct_ids=[2], all_ids=ALL, chosen_ids=[3]) == 0


def test_single_answer_with_two_ticks_scores_nothing():
    assert answer_fraction(kind="single", correct_ids=[2], all_ids=ALL, chosen_ids=[2, 3]) == 0


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ([1, 2], 1.0),  # both right options: 2/2 - 0/3
        ([1], 0.5),  # half the right options
        ([1, 2, 3], pytest.approx(2 / 3)),  # 2/2 - 1/3
        ([1, 3], pytest.approx(1 / 6)),  # 1/2 - 1/3
        ([1, 3, 4], 0.0),  # 1/2 - 2/3 < 0, floored at zero
        ([1, 2, 3, 4, 5], 0.0),  # ticking everything earns nothing
        ([], 0.0),
    ],
)
def test_multiple_response_partial_credit_is_right_share_minus_wrong_share(chosen, expected):
    fraction = answer_fraction(kind="multiple", correct_ids=[1, 2], all_ids=ALL, chosen_ids=chosen)
    assert fraction == expected


@given(st.sets(st.sampled_from(ALL)))
def test_partial_credit_stays_between_zero_and_one(chosen):
    fraction = answer_fraction(kind="multiple", correct_ids=[1, 2], all_ids=ALL, chosen_ids=chosen)
    assert 0 <= fraction <= 1


@pytest.mark.parametrize(
    ("confidence", "right", "wrong"),
    [("low", 1, 0), ("medium", 2, -2), ("high", 3, -6)],
)
def test_certainty_based_marks_follow_moodles_table(confidence, right, wrong):
    assert cbm_marks(fraction=1, confidence=confidence) == right
    assert cbm_marks(fraction=0, confidence=confidence) == wrong


def test_certainty_based_marks_interpolate_partial_credit():
    # Half right, very sure: 3 * 0.5 + (-6) * 0.5 = -1.5
    assert cbm_marks(fraction=0.5, confidence="high") == -1.5


def test_without_cbm_the_marks_are_the_fraction():
    marking = mark_answer(
        kind="multiple",
        correct_ids=[1, 2],
        all_ids=ALL,
        chosen_ids=[1],
        certainty_based=False,
        confidence="high",
    )
    assert (marking.fraction, marking.marks, marking.is_correct) == (0.5, 0.5, False)
