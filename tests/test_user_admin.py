"""Administrators manage accounts in admin: roles through the Educators group, deactivation."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from edu_site.roles import EDUCATORS_GROUP
from tests.factories import TEST_PASSWORD, EducatorFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:edu_site_user_changelist")


def act(admin_client, action, *users):
    return admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": [user.pk for user in users]}
    )


def test_the_user_list_shows_each_account_and_its_role(admin_client):
    UserFactory(username="lea")
    EducatorFactory(username="eddie")

    page = admin_client.get(CHANGELIST).text

    assert "lea" in page
    assert "eddie" in page
    assert "learner" in page
    assert "educator" in page


def test_making_a_learner_an_educator_gives_admin_access_and_the_group(admin_client, client):
    learner = UserFactory.create()

    act(admin_client, "make_educators", learner)

    learner.refresh_from_db()
    assert learner.is_staff
    assert learner.groups.filter(name=EDUCATORS_GROUP).exists()
    assert learner.has_perm("quizzes.change_question")
    client.force_login(learner)
    assert client.get(reverse("admin:quizzes_question_changelist")).status_code == HTTPStatus.OK


def test_making_an_educator_a_learner_again_removes_both(admin_client):
    educator = EducatorFactory.create()

    act(admin_client, "make_learners", educator)

    educator.refresh_from_db()
    assert not educator.is_staff
    assert not educator.groups.exists()


def test_a_deactivated_account_can_no_longer_log_in_and_keeps_its_records(admin_client, client):
    learner = UserFactory.create()

    act(admin_client, "deactivate", learner)

    learner.refresh_from_db()
    assert not learner.is_active
    refused = client.post(
        reverse("login"), {"username": learner.username, "password": TEST_PASSWORD}
    )
    assert refused.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


def test_an_educator_cannot_manage_accounts(educator_client):
    assert educator_client.get(CHANGELIST).status_code == HTTPStatus.FORBIDDEN
