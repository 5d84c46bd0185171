"""Every class page: the owner gets it, a stranger gets 404, a learner on an educator page 403."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from edu_site.classes.models import Assignment, Class, Enrollment
from tests.classes.conftest import hand_in_assigned_quiz
from tests.factories import (
    AssignmentFactory,
    ClassGroupFactory,
    EducatorFactory,
    QuizFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_in(learner, enrolled, quiz_assignment):
    return hand_in_assigned_quiz(learner, quiz_assignment)


def educator_pages(klass, learner, attempt) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every educator page of ``klass``; removing the learner last."""
    pk = klass.pk
    return [
        ("get", reverse("classes:detail", args=[pk]), {}),
        ("post", reverse("classes:code", args=[pk]), {}),
        ("post", reverse("classes:group-create", args=[pk]), {"name": "Ward 9"}),
        ("post", reverse("classes:learner-add", args=[pk]), {"identifier": "someone"}),
        ("post", reverse("classes:roster", args=[pk]), {}),
        ("get", reverse("classes:assignment-create", args=[pk]), {}),
        ("post", reverse("classes:group-dates", args=[pk]), {}),
        ("get", reverse("classes:gradebook", args=[pk]), {}),
        ("get", reverse("classes:gradebook-csv", args=[pk]), {}),
        ("get", reverse("classes:student", args=[pk, learner.pk]), {}),
        ("get", reverse("classes:quiz-attempt", args=[pk, attempt.pk]), {}),
        ("post", reverse("classes:learner-remove", args=[pk, learner.pk]), {}),
    ]


def test_the_classs_educator_opens_every_educator_page(client, educator, klass, learner, handed_in):
    client.force_login(educator)
    for method, url, data in educator_pages(klass, learner, handed_in):
        response = getattr(client, method)(url, data)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND), url


def test_another_educator_gets_404_and_changes_nothing(client, klass, learner, handed_in):
    client.force_login(EducatorFactory())
    code = klass.join_code
    for method, url, data in educator_pages(klass, learner, handed_in):
        assert getattr(client, method)(url, data).status_code == HTTPStatus.NOT_FOUND, url
    klass.refresh_from_db()
    assert klass.join_code == code
    assert klass.enrollments.filter(learner=learner).exists()
    assert not klass.groups.exists()


def test_a_learner_on_an_educator_page_gets_403(client, klass, learner, handed_in):
    client.force_login(learner)
    for method, url, data in educator_pages(klass, learner, handed_in)[1:]:
        assert getattr(client, method)(url, data).status_code == HTTPStatus.FORBIDDEN, url


def test_visitors_are_asked_to_log_in(client, klass):
    response = client.get(reverse("classes:gradebook", args=[klass.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_an_educator_creates_a_class_in_a_new_term(educator_client, educator):
    response = educator_client.post(
        reverse("classes:new"),
        {
            "name": "Pulmonology 2027",
            "new_term_name": "Spring 2027",
            "new_term_starts_on": "2027-01-10",
            "new_term_ends_on": "2027-06-30",
        },
    )

    klass = Class.objects.get(name="Pulmonology 2027")
    assert response.url == reverse("classes:detail", args=[klass.pk])
    assert list(klass.educators.all()) == [educator]
    assert klass.term.name == "Spring 2027"


def test_a_class_without_a_term_is_refused(educator_client):
    response = educator_client.post(reverse("classes:new"), {"name": "Nowhere"})

    assert "Choose a term" in response.text
    assert not Class.objects.exists()


def test_learners_cannot_create_classes(learner_client):
    assert learner_client.get(reverse("classes:new")).status_code == HTTPStatus.FORBIDDEN


def test_joining_with_a_wrong_code_shows_why_and_changes_nothing(learner_client, klass):
    response = learner_client.post(reverse("classes:join"), {"code": "WRONG123"})

    assert response.status_code == HTTPStatus.OK
    assert "No class has that code" in response.text
    assert not Enrollment.objects.exists()


def test_joining_leads_to_the_class_page(learner_client, klass):
    response = learner_client.post(reverse("classes:join"), {"code": klass.join_code}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("classes:detail", args=[klass.pk])
    assert "You joined Respiratory block." in response.text


def test_a_learner_sees_their_class_without_other_learners_names(client, klass, learner, enrolled):
    AssignmentFactory(klass=klass)
    Enrollment.objects.create(klass=klass, learner=UserFactory(username="zoe", first_name="Zoe"))
    client.force_login(learner)

    page = client.get(reverse("classes:detail", args=[klass.pk])).text

    assert "Assigned to you" in page
    assert "zoe" not in page.lower()
    assert klass.join_code not in page


def test_a_learner_outside_the_class_gets_404(learner_client, klass):
    response = learner_client.get(reverse("classes:detail", args=[klass.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_starting_an_assignment_opens_the_quiz(learner_client, enrolled, quiz_assignment):
    response = learner_client.post(reverse("classes:start", args=[quiz_assignment.pk]))

    attempt = quiz_assignment.attempt_links.get().quiz_attempt
    assert response.url == reverse("quizzes:attempt", args=[attempt.pk])


def test_a_closed_assignment_refuses_with_a_message(learner_client, klass, enrolled):
    closed = AssignmentFactory(klass=klass)
    Assignment.objects.filter(pk=closed.pk).update(
        opens_at=closed.opens_at.replace(year=2020),
        due_at=closed.opens_at.replace(year=2020),
        closes_at=closed.opens_at.replace(year=2020),
    )

    response = learner_client.post(reverse("classes:start", args=[closed.pk]), follow=True)

    assert "This assignment closed on" in response.text
    assert not closed.attempt_links.exists()


def test_a_stranger_cannot_start_a_classs_assignment(learner_client, quiz_assignment):
    response = learner_client.post(reverse("classes:start", args=[quiz_assignment.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_roster_swaps_in_place_with_htmx(educator_client, klass):
    UserFactory(username="ben")

    response = educator_client.post(
        reverse("classes:learner-add", args=[klass.pk]),
        {"identifier": "ben"},
        HTTP_HX_REQUEST="true",
    )

    assert response.text.lstrip().startswith('<section class="card" id="roster"')
    assert "ben" in response.text


def test_a_refused_addition_shows_in_the_roster(educator_client, klass):
    response = educator_client.post(
        reverse("classes:learner-add", args=[klass.pk]),
        {"identifier": "ghost"},
        HTTP_HX_REQUEST="true",
    )

    assert "No single account" in response.text
    assert not klass.enrollments.exists()


def test_a_roster_file_is_imported_from_the_class_page(educator_client, klass):
    UserFactory(username="ben")
    upload = SimpleUploadedFile("roster.csv", b"ben\n", content_type="text/csv")

    response = educator_client.post(
        reverse("classes:roster", args=[klass.pk]), {"roster": upload}, follow=True
    )

    assert "1 learners added" in response.text
    assert klass.enrollments.get().learner.username == "ben"


def test_an_educator_sets_an_assignment_and_a_groups_dates(educator_client, klass):
    quiz = QuizFactory(title="Imaging drill")
    group = ClassGroupFactory(klass=klass)
    educator_client.post(
        reverse("classes:assignment-create", args=[klass.pk]),
        {
            "item": f"quiz:{quiz.pk}",
            "opens_at": "2026-03-01T09:00",
            "due_at": "2026-03-08T09:00",
            "closes_at": "2026-03-15T09:00",
            "attempts_allowed": 3,
            "counts": "last",
        },
    )
    assignment = klass.assignments.get()
    educator_client.post(
        reverse("classes:group-dates", args=[klass.pk]),
        {
            "assignment": assignment.pk,
            "group": group.pk,
            "opens_at": "2026-03-02T09:00",
            "due_at": "2026-03-09T09:00",
            "closes_at": "2026-03-16T09:00",
        },
    )

    assert (assignment.quiz, assignment.attempts_allowed, assignment.counts) == (quiz, 3, "last")
    assert assignment.group_dates.get().group == group


def test_an_assignment_with_dates_out_of_order_is_refused(educator_client, klass):
    quiz = QuizFactory()
    response = educator_client.post(
        reverse("classes:assignment-create", args=[klass.pk]),
        {
            "item": f"quiz:{quiz.pk}",
            "opens_at": "2026-03-09T09:00",
            "due_at": "2026-03-08T09:00",
            "closes_at": "2026-03-15T09:00",
            "attempts_allowed": 1,
            "counts": "best",
        },
    )

    assert "opens, then due, then closes" in response.text
    assert not klass.assignments.exists()
