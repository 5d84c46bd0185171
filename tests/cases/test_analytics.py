"""Case analytics: figures over a class or all learners, hidden below the minimum number."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import analytics, services
from cases.models import Attempt, Stage
from edu_site.classes import services as class_services
from tests.cases.conftest import KEY_TESTS, finish, play_to
from tests.factories import (
    AssignmentFactory,
    ClassFactory,
    EducatorFactory,
    EnrollmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def finished_by(learners: int, case, assignment=None) -> None:
    """``learners`` new learners each finish the case (for ``assignment`` when given)."""
    for _ in range(learners):
        learner = UserFactory()
        if assignment is None:
            attempt = services.attempt_start(user=learner, case=case)
        else:
            EnrollmentFactory(klass=assignment.klass, learner=learner)
            started = class_services.assignment_attempt_start(
                learner=learner, assignment=assignment
            )
            assert isinstance(started, Attempt)
            attempt = started
        finish(play_to(attempt, Stage.OUTCOME))


def url(case, klass=None) -> str:
    base = reverse("cases:analytics", args=[case.slug])
    return f"{base}?class={klass.pk}" if klass else base


def test_below_the_minimum_no_figure_is_shown(educator_client, shipped_case):
    finished_by(analytics.MIN_LEARNERS - 1, shipped_case)

    page = educator_client.get(url(shipped_case)).text

    assert f"Figures appear once at least {analytics.MIN_LEARNERS} learners" in page
    assert "Tests ordered" not in page


def test_over_all_learners_every_section_shows_its_figures(educator_client, shipped_case):
    finished_by(analytics.MIN_LEARNERS, shipped_case)

    response = educator_client.get(url(shipped_case))
    report = response.context["report"]

    assert report.attempts == report.learners == analytics.MIN_LEARNERS
    assert [row.label for row in report.competencies][:2] == ["Work-up", "Interpretation"]
    assert all(sum(band.count for band in row.bands) == 5 for row in report.competencies)
    ordered = {row.name: row.percent for row in report.tests}
    assert sorted(ordered.values(), reverse=True)[: len(KEY_TESTS)] == [100.0] * len(KEY_TESTS)
    assert 0.0 in ordered.values(), "tests nobody ordered are listed too"
    assert report.diagnoses[0].percent == 100.0
    assert report.diagnoses[0].role == "target"
    assert report.outcomes[0].label == "At least one relapse"
    assert all(row.recommended is not None for row in report.outcomes)
    assert sum(band.count for band in report.minute_bands) == 5
    assert "Plan checks most often failed" in response.text


def test_a_class_shows_only_attempts_made_for_its_assignments(
    educator_client, educator, shipped_case
):
    klass = ClassFactory(educators=[educator])
    assignment = AssignmentFactory(klass=klass, quiz=None, case=shipped_case)
    finished_by(analytics.MIN_LEARNERS, shipped_case, assignment)
    finished_by(2, shipped_case)

    class_report = educator_client.get(url(shipped_case, klass)).context["report"]
    all_report = educator_client.get(url(shipped_case)).context["report"]

    assert class_report.learners == analytics.MIN_LEARNERS
    assert all_report.learners == analytics.MIN_LEARNERS + 2


def test_learners_get_403(learner_client, shipped_case):
    assert learner_client.get(url(shipped_case)).status_code == HTTPStatus.FORBIDDEN


def test_another_educators_class_is_404(educator_client, shipped_case):
    theirs = ClassFactory(educators=[EducatorFactory()])

    assert educator_client.get(url(shipped_case, theirs)).status_code == HTTPStatus.NOT_FOUND
    bad = reverse("cases:analytics", args=[shipped_case.slug]) + "?class=x"
    assert educator_client.get(bad).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_case_is_404(educator_client, db):
    response = educator_client.get(reverse("cases:analytics", args=["no-such-case"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_analytics_cost_the_same_queries_for_more_attempts(educator_client, educator, shipped_case):
    klass = ClassFactory(educators=[educator])
    assignment = AssignmentFactory(klass=klass, quiz=None, case=shipped_case)
    finished_by(analytics.MIN_LEARNERS, shipped_case, assignment)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert educator_client.get(url(shipped_case, klass)).status_code == HTTPStatus.OK
        return len(captured)

    small = queries()
    finished_by(3, shipped_case, assignment)

    assert queries() == small
