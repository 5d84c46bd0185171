"""The gradebook: which attempt counts, late and missing flags, the CSV and its query count."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Stage
from edu_site.classes import selectors, services
from edu_site.classes.models import Assignment, Dates
from edu_site.classes.selectors import AttemptFacts, Status, grade
from quizzes.models import Attempt as QuizAttempt
from tests.cases.conftest import finish, play_to
from tests.classes.conftest import hand_in_assigned_quiz
from tests.factories import AssignmentFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DATES = Dates(NOW - timedelta(days=7), NOW - timedelta(days=1), NOW + timedelta(days=7))


def facts(pk: int, percent: float | None, finished_days_ago: float | None) -> AttemptFacts:
    finished = None if finished_days_ago is None else NOW - timedelta(days=finished_days_ago)
    return AttemptFacts("quiz", pk, NOW - timedelta(days=6), finished, percent)


@pytest.mark.parametrize(("counts", "expected"), [("first", 40.0), ("best", 90.0), ("last", 60.0)])
def test_the_assignment_says_which_finished_attempt_counts(counts, expected):
    attempts = [facts(1, 40.0, 5), facts(2, 90.0, 4), facts(3, 60.0, 3), facts(4, None, None)]

    assert grade(DATES, attempts, counts, NOW).percent == expected


def test_an_attempt_finished_after_the_due_date_is_late():
    cell = grade(DATES, [facts(1, 70.0, 0.5)], "best", NOW)

    assert (cell.status, cell.late, cell.missing) == (Status.LATE, True, False)


def test_nothing_finished_after_the_due_date_is_missing():
    cell = grade(DATES, [facts(1, None, None)], "best", NOW)

    assert (cell.status, cell.late, cell.missing) == (Status.IN_PROGRESS, False, True)
    assert grade(DATES, [], "best", NOW).status == Status.MISSING


def test_before_the_due_date_nothing_is_missing():
    early = Dates(NOW - timedelta(days=1), NOW + timedelta(days=1), NOW + timedelta(days=2))

    assert grade(early, [], "best", NOW).status == Status.NOT_STARTED


def start_case(learner, assignment):
    return services.assignment_attempt_start(learner=learner, assignment=assignment)


@pytest.fixture
def case_assignment(klass, shipped_case):
    return AssignmentFactory(klass=klass, quiz=None, case=shipped_case)


def test_the_gradebook_shows_the_case_and_quiz_grades_with_links_to_the_attempts(
    educator_client, klass, learner, enrolled, quiz_assignment, case_assignment
):
    quiz_attempt = hand_in_assigned_quiz(learner, quiz_assignment)
    case_attempt = finish(play_to(start_case(learner, case_assignment), Stage.OUTCOME))

    page = educator_client.get(reverse("classes:gradebook", args=[klass.pk])).text

    assert f"{case_attempt.score:g}%" in page or f"{round(case_attempt.score, 1)}%" in page
    assert "100.0%" in page
    case_url = reverse("classes:case-attempt", args=[klass.pk, case_attempt.pk])
    quiz_url = reverse("classes:quiz-attempt", args=[klass.pk, quiz_attempt.pk])
    assert f'href="{case_url}"' in page
    assert f'href="{quiz_url}"' in page
    debrief = educator_client.get(case_url)
    assert debrief.status_code == HTTPStatus.OK
    assert "Read-only" in debrief.text
    assert "Try this case again" not in debrief.text
    assert "Read-only" in educator_client.get(quiz_url).text


def test_an_abandoned_attempt_shows_as_abandoned_in_the_gradebook_its_csv_and_student_page(
    educator_client, klass, learner, enrolled, case_assignment
):
    case_services.attempt_abandon(attempt=start_case(learner, case_assignment))

    page = educator_client.get(reverse("classes:gradebook", args=[klass.pk])).text
    download = educator_client.get(reverse("classes:gradebook-csv", args=[klass.pk]))
    student = educator_client.get(reverse("classes:student", args=[klass.pk, learner.pk])).text

    assert '<span class="muted">abandoned</span>' in page
    assert "in progress" not in page
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[1][2:] == ["", "abandoned"]
    assert "abandoned</li>" in student
    assert "in progress" not in student


def test_after_abandoning_an_assigned_case_the_learner_is_offered_a_new_start(
    learner_client, learner, enrolled, case_assignment
):
    case_services.attempt_abandon(attempt=start_case(learner, case_assignment))

    page = learner_client.get(reverse("home")).text

    assert f"Start {case_assignment.title}" in page
    assert f"Continue {case_assignment.title}" not in page


def test_an_abandoned_attempt_after_the_due_date_is_still_missing():
    abandoned = AttemptFacts("case", 1, NOW - timedelta(days=6), None, None, abandoned=True)

    cell = grade(DATES, [abandoned], "best", NOW)

    assert (cell.status, cell.missing, cell.flag, cell.open_attempt) == (
        Status.ABANDONED,
        True,
        "missing",
        None,
    )


def test_the_read_only_debrief_is_only_for_attempts_made_for_the_class(
    educator_client, klass, learner, enrolled, shipped_case
):
    own = finish(
        play_to(case_services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    )

    response = educator_client.get(reverse("classes:case-attempt", args=[klass.pk, own.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_csv_holds_what_the_gradebook_shows(educator_client, klass, learner, enrolled):
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    late = AssignmentFactory(klass=klass)
    hand_in_assigned_quiz(learner, late)
    Assignment.objects.filter(pk=late.pk).update(
        opens_at=NOW - timedelta(days=9), due_at=NOW - timedelta(days=8)
    )
    AssignmentFactory(klass=klass, opens_at=NOW - timedelta(days=9), due_at=NOW - timedelta(days=2))

    response = educator_client.get(reverse("classes:gradebook-csv", args=[klass.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Name", "Username"]
    assert rows[1] == ["Ada Lovelace", learner.username, "100", "late", "", "missing"]
    assert learner.email not in response.content.decode()


def test_a_removed_learner_leaves_the_gradebook(
    educator_client, klass, learner, enrolled, quiz_assignment
):
    hand_in_assigned_quiz(learner, quiz_assignment)
    services.learner_remove(klass=klass, learner_id=learner.pk)

    book = selectors.gradebook(klass=klass)

    assert book.rows == []


def test_the_student_page_lists_every_attempt_and_the_one_that_counts(
    educator_client, klass, learner, enrolled, quiz_assignment
):
    hand_in_assigned_quiz(learner, quiz_assignment, right=False)
    hand_in_assigned_quiz(learner, quiz_assignment, right=True)

    page = educator_client.get(reverse("classes:student", args=[klass.pk, learner.pk])).text

    assert page.count("Started ") == 2
    assert "100.0%</a>, finished" in page
    assert "(counts)" in page


def test_a_learner_sees_the_assignment_on_the_dashboard_with_its_status(
    learner_client, learner, enrolled, quiz_assignment
):
    page = learner_client.get(reverse("home")).text
    assert "Assigned to you" in page
    assert "not started" in page
    assert f"Start {quiz_assignment.quiz.title}" in page

    hand_in_assigned_quiz(learner, quiz_assignment)
    page = learner_client.get(reverse("home")).text
    assert ">done<" in page
    assert reverse("quizzes:results", args=[QuizAttempt.objects.get().pk]) in page


def test_a_learner_with_no_class_sees_no_assignments_panel(learner_client):
    assert "Assigned to you" not in learner_client.get(reverse("home")).text


def populate(klass, learners: int, assignments: int) -> None:
    """``learners`` learners, each with a finished attempt on every assignment."""
    made = [AssignmentFactory(klass=klass, attempts_allowed=0) for _ in range(assignments)]
    for _ in range(learners):
        learner = UserFactory()
        EnrollmentFactory(klass=klass, learner=learner)
        for assignment in made:
            hand_in_assigned_quiz(learner, assignment)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("page", ["classes:gradebook", "classes:gradebook-csv"])
def test_the_gradebook_costs_the_same_queries_for_a_bigger_class(educator_client, klass, page):
    url = reverse(page, args=[klass.pk])
    populate(klass, learners=1, assignments=1)
    small = count_queries(educator_client, url)
    populate(klass, learners=4, assignments=3)

    assert count_queries(educator_client, url) == small == 10


def test_the_dashboard_costs_the_same_queries_with_more_assignments_done(
    client, klass, learner, enrolled
):
    client.force_login(learner)
    AssignmentFactory(klass=klass)
    home_small = count_queries(client, reverse("home"))
    for _ in range(3):
        hand_in_assigned_quiz(learner, AssignmentFactory(klass=klass))

    assert count_queries(client, reverse("home")) == home_small


def test_the_student_page_costs_the_same_queries_with_more_attempts(
    educator_client, klass, learner, enrolled
):
    url = reverse("classes:student", args=[klass.pk, learner.pk])
    hand_in_assigned_quiz(learner, AssignmentFactory(klass=klass))
    small = count_queries(educator_client, url)
    for _ in range(3):
        assignment = AssignmentFactory(klass=klass, attempts_allowed=0)
        hand_in_assigned_quiz(learner, assignment)
        hand_in_assigned_quiz(learner, assignment)

    assert count_queries(educator_client, url) == small
