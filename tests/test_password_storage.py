"""Passwords are stored with Argon2id at OWASP's parameters, and a password stored by an
earlier release (PBKDF2) still logs in and is moved to Argon2id by that login."""

import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
PROJECT_HASHERS = sys.modules[settings.SETTINGS_MODULE].PASSWORD_HASHERS


@pytest.fixture
def project_hashers(settings):
    """The hashers the site runs with, not the fast one the rest of the suite uses."""
    settings.PASSWORD_HASHERS = PROJECT_HASHERS


def learner_stored_by_an_earlier_release():
    """A learner whose password hash was written with PBKDF2, as releases before 2026-12 did."""
    learner = UserFactory()
    learner.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    learner.save(update_fields=["password"])
    return learner


def test_a_new_password_is_stored_as_argon2id_with_19_mib_two_passes_one_lane(project_hashers):
    stored = make_password(TEST_PASSWORD)

    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(stored).verify(TEST_PASSWORD, stored)


def test_a_password_stored_by_an_earlier_release_logs_in_and_is_rehashed(project_hashers, client):
    learner = learner_stored_by_an_earlier_release()

    response = client.post(
        reverse("login"), {"username": learner.username, "password": TEST_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" in client.session
    learner.refresh_from_db()
    assert learner.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_wrong_password_against_an_old_hash_is_refused_and_leaves_it_alone(
    project_hashers, client
):
    learner = learner_stored_by_an_earlier_release()
    old_hash = learner.password

    response = client.post(reverse("login"), {"username": learner.username, "password": "nope"})

    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session
    learner.refresh_from_db()
    assert learner.password == old_hash
