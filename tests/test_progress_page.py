"""My progress joins both kinds of practice: quizzes and cases."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Attempt as CaseAttempt
from cases.models import Case, Stage
from quizzes import services as quiz_services
from quizzes.models import Topic
from tests.cases.conftest import finish, play_to
from tests.factories import QuizFactory
from tests.quizzes.conftest import (
    choice_ids,
    finish_quiz_on_topic,
    hand_in_first_answer,
    response_at,
)

pytestmark = pytest.mark.django_db


def answer_case_questions(learner, case: Case, *, right: bool):
    """Play the shipped case to its questions and answer each one right or wrong."""
    attempt = case_services.attempt_start(user=learner, case=case)
    play_to(attempt, Stage.INTERPRETATION)
    ordered = set(attempt.test_orders.values_list("investigation_key", flat=True))
    content = attempt.content
    for question in case_services.questions_available(attempt, content, ordered):
        options = [option["key"] for option in question["options"] if option["correct"] == right]
        case_services.answer_submit(
            attempt=attempt, question_key=question["key"], option_keys=options[:1]
        )
    return attempt


def mastery_rows(page: str) -> str:
    return page.split("Mastery by topic", 1)[1].split("</table>", 1)[0]


def test_case_answers_count_toward_mastery_with_quiz_answers(learner_client, learner, shipped_case):
    imaging = Topic.objects.get(slug="imaging")
    finish_quiz_on_topic(learner, imaging, right=True)
    answer_case_questions(learner, shipped_case, right=False)

    rows = mastery_rows(learner_client.get(reverse("progress")).text)

    # One quiz answer right and the case's CT question wrong: 1 of 2 marks on imaging.
    assert "<tr><td>Diagnosis &gt; Imaging</td><td>2</td><td>50%</td></tr>" in rows


def test_a_learner_who_only_played_cases_sees_mastery_by_topic(
    learner_client, learner, shipped_case
):
    answer_case_questions(learner, shipped_case, right=True)

    page = learner_client.get(reverse("progress")).text

    assert "You have not finished a quiz yet." in page
    rows = mastery_rows(page)
    assert "Bronchoscopy and histology" in rows
    assert "100%" in rows


def test_progress_page_query_count_does_not_grow_with_either_kind_of_practice(
    learner_client, learner, shipped_case, django_assert_num_queries
):
    imaging = Topic.objects.get(slug="imaging")
    finish_quiz_on_topic(learner, imaging, right=True)
    answer_case_questions(learner, shipped_case, right=True)
    play_to(case_services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    with CaptureQueriesContext(connection) as at_small_size:
        assert learner_client.get(reverse("progress")).status_code == HTTPStatus.OK

    for topic_slug in ("presentation", "glucocorticoids", "relapse-and-prognosis"):
        finish_quiz_on_topic(learner, Topic.objects.get(slug=topic_slug), right=False)
    for _ in range(2):
        answer_case_questions(learner, shipped_case, right=False)

    with django_assert_num_queries(len(at_small_size)):
        assert learner_client.get(reverse("progress")).status_code == HTTPStatus.OK


def test_score_over_time_is_a_chart_per_kind_of_quiz_with_a_table_beside_it(
    learner_client, learner
):
    hand_in_first_answer(learner, QuizFactory(questions__count=1, mode="exam"), right=True)
    hand_in_first_answer(learner, QuizFactory(questions__count=2), right=True)
    certainty = QuizFactory(questions__count=1, certainty_based_marking=True)
    attempt = quiz_services.attempt_start(user=learner, quiz=certainty)
    response = response_at(attempt, 1)
    quiz_services.response_save(
        attempt=attempt,
        question_id=response.question_id,
        choice_ids=choice_ids(response, correct=False)[:1],
        confidence="high",
        expected_version=0,
    )
    quiz_services.attempt_finish(attempt=attempt)

    page = learner_client.get(reverse("progress")).content.decode()

    assert '<title id="quiz-chart-title">Quiz scores over time</title>' in page
    for kind in ("Exams", "Tutor-mode quizzes", "Certainty-based quizzes (accuracy)"):
        assert kind in page
    table = page.split('class="quiz-chart-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 4
    assert "0% <span" in table
    assert "marks -6 of 3" in table
    assert "-200%" not in page
    assert "style=" not in page.split('id="progress-quizzes"', 1)[1]


def case_rows(page: str) -> list[str]:
    return re.findall(r'<a href="/cases/attempts/(\d+)/">', page)


def test_case_attempts_are_listed_ten_a_page_newest_first_and_counted_in_full(
    learner_client, learner, shipped_case
):
    first = case_services.attempt_start(user=learner, case=shipped_case)
    fields = {f.attname: getattr(first, f.attname) for f in CaseAttempt._meta.concrete_fields}
    CaseAttempt.objects.bulk_create(
        CaseAttempt(**{**fields, "id": None, "started_at": first.started_at + timedelta(hours=n)})
        for n in range(1, 25)
    )
    newest = CaseAttempt.objects.filter(user=learner).latest("started_at")

    pages = [
        learner_client.get(reverse("progress"), {"cases_page": number}).text for number in (1, 2, 3)
    ]

    assert "Attempts started: <strong>25</strong>" in pages[0]
    assert [len(case_rows(page)) for page in pages] == [10, 10, 5]
    assert case_rows(pages[0])[0] == str(newest.pk)
    assert "Older attempts" in pages[0]
    assert "Older attempts" not in pages[2]
    assert "Newer attempts" in pages[2]


def clone_attempts(attempt: CaseAttempt, count: int) -> None:
    """``count`` copies of ``attempt``, an hour apart after it, as a long history would have."""
    fields = {f.attname: getattr(attempt, f.attname) for f in CaseAttempt._meta.concrete_fields}
    later = [timedelta(hours=n) for n in range(1, count + 1)]
    CaseAttempt.objects.bulk_create(
        CaseAttempt(
            **{
                **fields,
                "id": None,
                "started_at": attempt.started_at + gap,
                "finished_at": attempt.finished_at and attempt.finished_at + gap,
            }
        )
        for gap in later
    )


def test_a_long_case_history_costs_the_same_queries_and_charts_the_last_twenty(
    learner_client, learner, shipped_case
):
    finished = finish(
        play_to(case_services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    )
    clone_attempts(finished, 2)
    with CaptureQueriesContext(connection) as short_history:
        learner_client.get(reverse("progress"))
    clone_attempts(finished, 60)

    with CaptureQueriesContext(connection) as long_history:
        page = learner_client.get(reverse("progress")).text

    assert len(long_history) == len(short_history)
    assert "finished: <strong>63</strong>" in page
    assert "(your last 20 finished cases)" in page
    assert len(case_rows(page)) == 10
