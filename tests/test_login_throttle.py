"""Login throttling: a lock-out after AXES_FAILURE_LIMIT wrong passwords for one username
from one address, a page that says when to retry, and staff who can unlock it."""

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, username, password, address="10.0.0.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail_until_locked(client, username, address="10.0.0.7"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "not-the-password", address)


def test_the_right_password_is_refused_once_the_limit_of_wrong_ones_is_reached(client, learner):
    fail_until_locked(client, learner.username)

    response = log_in(client, learner.username, TEST_PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many wrong passwords" in response.text
    assert "Try again after" in response.text
    assert f"paused for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in response.text
    assert 'class="site-header"' in response.text
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_short_of_the_limit_then_the_right_one_logs_in(client, learner):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, learner.username, "not-the-password")

    assert log_in(client, learner.username, TEST_PASSWORD).status_code == HTTPStatus.FOUND


def test_a_lock_out_holds_one_username_from_one_address_not_the_whole_classroom(client, learner):
    classmate = UserFactory()
    fail_until_locked(client, learner.username)

    same_room = log_in(client, classmate.username, TEST_PASSWORD)
    client.logout()
    other_address = log_in(client, learner.username, TEST_PASSWORD, address="10.0.0.8")

    assert same_room.status_code == HTTPStatus.FOUND
    assert other_address.status_code == HTTPStatus.FOUND


def test_an_educator_unlocks_a_locked_learner_in_admin(educator_client, learner):
    client = Client()
    fail_until_locked(client, learner.username)
    locks = AccessAttempt.objects.filter(username=learner.username)
    listing = educator_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert learner.username in listing.text

    educator_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(locks.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert log_in(client, learner.username, TEST_PASSWORD).status_code == HTTPStatus.FOUND


def test_sign_up_is_throttled_per_address(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 2
    for number in range(3):
        response = client.post(
            reverse("signup"),
            {
                "username": f"new{number}",
                "email": f"new{number}@example.org",
                "password1": "Bronchiole-plug-2026!",
                "password2": "Bronchiole-plug-2026!",
            },
            REMOTE_ADDR="10.0.0.9",
        )
        client.logout()

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert "Nothing was sent or saved" in response.text
    assert not UserFactory._meta.model.objects.filter(username="new2").exists()
