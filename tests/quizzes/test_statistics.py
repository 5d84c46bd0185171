"""Item analysis against a small example computed by hand.

Five learners take a three-question quiz; 1 = right, 0 = wrong. T is the total and
Y = T - x the rest of the test for the item in question.

    learner  q1 q2 q3  T
    A         1  1  1  3
    B         1  1  0  2
    C         1  0  1  2
    D         0  1  0  1
    E         0  0  0  0

Sample (n - 1 = 4) variances and covariances:

q1: x = 1,1,1,0,0  Y = 2,1,1,1,0
    facility 3/5 = 60;  var x = (3 - 9/5)/4 = 0.3;  var Y = (7 - 25/5)/4 = 0.5
    cov = (sum xY - sum x sum Y / n)/4 = (4 - 3)/4 = 0.25
    discrimination index = 0.25 / sqrt(0.3 * 0.5) = 0.6455 -> 64.55
    sorted x = 0,0,1,1,1 and sorted Y = 0,1,1,1,2: sum of products 4, cov max (4 - 3)/4 = 0.25
    discriminative efficiency = 0.25 / 0.25 -> 100
q2: x = 1,1,0,1,0  Y = 2,1,2,0,0
    facility 60;  cov = (3 - 3*5/5)/4 = 0 -> discrimination 0 (flagged as low)
    sorted pairs: 0,0,1,1,1 with 0,0,1,2,2 -> 5, cov max (5 - 3)/4 = 0.5 -> efficiency 0
q3: x = 1,0,1,0,0  Y = 2,2,1,1,0
    facility 40;  var x = (2 - 4/5)/4 = 0.3;  var Y = (10 - 36/5)/4 = 0.7
    cov = (3 - 2*6/5)/4 = 0.15 -> discrimination 0.15 / sqrt(0.21) = 0.3273 -> 32.73
    sorted pairs: 0,0,0,1,1 with 0,1,1,2,2 -> 4, cov max (4 - 2.4)/4 = 0.4 -> efficiency 37.5
Quiz: T = 3,2,2,1,0, mean 1.6, var T = (18 - 64/5)/4 = 1.3, SD 1.1402
    Cronbach's alpha = 3/2 * (1 - (0.3 + 0.3 + 0.3)/1.3) = 0.4615
    standard error = sqrt(1.3) * sqrt(1 - 0.4615) = sqrt(0.7) = 0.8367
"""

import pytest
from django.urls import reverse

from quizzes import services, statistics
from tests.factories import QuestionFactory, QuizFactory, UserFactory
from tests.quizzes.conftest import choice_ids

pytestmark = pytest.mark.django_db

ANSWERS = {"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 1), "D": (0, 1, 0), "E": (0, 0, 0)}


@pytest.fixture
def analysed_quiz():
    quiz = QuizFactory(questions=[QuestionFactory(choices__wrong=2) for _ in range(3)])
    for marks in ANSWERS.values():
        attempt = services.attempt_start(user=UserFactory(), quiz=quiz)
        responses = attempt.responses.select_related("question")
        for response, right in zip(responses, marks, strict=True):
            services.response_save(
                attempt=attempt,
                question_id=response.question_id,
                choice_ids=choice_ids(response, correct=bool(right))[:1],
                expected_version=0,
            )
        services.attempt_finish(attempt=attempt)
    # An attempt still in progress is left out of the statistics.
    services.attempt_start(user=UserFactory(), quiz=quiz)
    return quiz


def test_item_statistics_match_the_hand_computation(analysed_quiz):
    report = statistics.quiz_item_analysis(quiz=analysed_quiz, min_attempts=5)

    q1, q2, q3 = report.items
    assert [item.facility for item in report.items] == pytest.approx([60, 60, 40])
    assert q1.standard_deviation == pytest.approx(0.3**0.5)
    assert q1.discrimination_index == pytest.approx(64.5497, abs=1e-3)
    assert q2.discrimination_index == pytest.approx(0, abs=1e-9)
    assert q3.discrimination_index == pytest.approx(32.7327, abs=1e-3)
    assert q1.discriminative_efficiency == pytest.approx(100)
    assert q2.discriminative_efficiency == pytest.approx(0, abs=1e-9)
    assert q3.discriminative_efficiency == pytest.approx(37.5)


def test_quiz_statistics_match_the_hand_computation(analysed_quiz):
    report = statistics.quiz_item_analysis(quiz=analysed_quiz, min_attempts=5)

    assert report.attempts == 5
    assert report.mean_score == pytest.approx(1.6)
    assert report.standard_deviation == pytest.approx(1.3**0.5)
    assert report.cronbach_alpha == pytest.approx(0.461538, abs=1e-6)
    assert report.standard_error == pytest.approx(0.7**0.5)


def test_items_with_low_discrimination_are_flagged(analysed_quiz):
    report = statistics.quiz_item_analysis(quiz=analysed_quiz, min_attempts=5)

    assert [item.low_discrimination for item in report.items] == [False, True, False]
    assert report.flagged_items == [report.items[1]]


def test_below_the_minimum_of_attempts_nothing_is_flagged_and_alpha_is_withheld(analysed_quiz):
    report = statistics.quiz_item_analysis(quiz=analysed_quiz, min_attempts=6)

    assert report.flagged_items == []
    assert (report.cronbach_alpha, report.standard_error) == (None, None)
    assert report.items[0].facility == pytest.approx(60)


def test_the_minimum_of_attempts_defaults_to_twenty(analysed_quiz):
    report = statistics.quiz_item_analysis(quiz=analysed_quiz)

    assert (report.min_attempts, report.enough_attempts) == (20, False)


def test_each_option_is_counted(analysed_quiz):
    report = statistics.quiz_item_analysis(quiz=analysed_quiz)

    q1 = report.items[0]
    assert [option.count for option in q1.options] == [3, 2, 0]
    assert [option.percent for option in q1.options] == [60, 40, 0]


def test_the_statistics_run_in_a_fixed_number_of_queries(analysed_quiz, django_assert_num_queries):
    with django_assert_num_queries(5):
        report = statistics.quiz_item_analysis(quiz=analysed_quiz)
    assert len(report.items) == 3


def test_a_quiz_without_attempts_reports_no_figures():
    report = statistics.quiz_item_analysis(quiz=QuizFactory(questions__count=2))

    assert (report.attempts, report.cronbach_alpha, report.items) == (0, None, [])


def test_the_educator_page_flags_the_weak_item(educator_client, analysed_quiz, settings):
    settings.QUIZ_STATISTICS_MIN_ATTEMPTS = 5
    page = educator_client.get(reverse("quizzes:statistics", args=[analysed_quiz.slug]))

    assert page.content.decode().count("Low discrimination: review this item") == 1
    assert "0.462 (n = 5)" in page.content.decode()


def test_the_educator_page_withholds_judgement_on_five_attempts(educator_client, analysed_quiz):
    page = educator_client.get(reverse("quizzes:statistics", args=[analysed_quiz.slug]))

    content = page.content.decode()
    assert "Low discrimination: review this item" not in content
    assert "only from 20 closed attempts; this quiz has 5" in content
    assert "0.462" not in content
