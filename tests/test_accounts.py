from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

STRONG_PASSWORD = "Bronchiole-plug-2026!"


def signup(client, username="newlearner", password=STRONG_PASSWORD, confirm=None, email=None):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email or f"{username}@example.org",
            "password1": password,
            "password2": confirm or password,
        },
    )


def test_signup_creates_a_learner_and_logs_them_in(client):
    response = signup(client)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("home")
    user = User.objects.get(username="newlearner")
    assert not user.is_staff
    assert client.get(reverse("progress")).status_code == HTTPStatus.OK


def test_signup_with_a_taken_username_shows_the_form_again(client):
    UserFactory(username="taken")

    response = signup(client, username="taken")

    assert response.status_code == HTTPStatus.OK
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="taken").count() == 1


def test_signup_with_a_taken_username_in_other_case_is_refused(client):
    UserFactory(username="Taken")

    response = signup(client, username="taken")

    assert response.status_code == HTTPStatus.OK
    assert not User.objects.filter(username="taken").exists()


def test_signup_needs_an_email_address(client):
    response = signup(client, email=" ")

    assert "This field is required." in response.text
    assert not User.objects.filter(username="newlearner").exists()


def test_signup_refuses_an_address_already_used_in_any_letter_case(client):
    UserFactory(username="first", email="Ana.Costa@Example.org")

    response = signup(client, username="second", email="ana.costa@example.ORG")

    assert response.status_code == HTTPStatus.OK
    assert "This address already belongs to an account." in response.text
    assert not User.objects.filter(username="second").exists()


def test_a_taken_username_is_refused_without_naming_the_account_holder(client):
    UserFactory(username="taken", email="holder@example.org", first_name="Ana")

    page = signup(client, username="taken", email="someone.else@example.org").text

    assert "holder@example.org" not in page
    assert "Ana" not in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("83749201746", "This password is entirely numeric"),
    ],
)
def test_signup_with_a_weak_password_shows_why(client, password, message):
    response = signup(client, password=password)

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not User.objects.filter(username="newlearner").exists()


def test_signup_with_mismatched_passwords_creates_nobody(client):
    response = signup(client, confirm="Something-else-2026!")

    assert response.status_code == HTTPStatus.OK
    assert not User.objects.filter(username="newlearner").exists()


def test_login_with_the_right_password_lands_on_home(client, learner):
    response = client.post(
        reverse("login"), {"username": learner.username, "password": TEST_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("home")


def test_wrong_login_does_not_say_which_part_was_wrong(client, learner):
    wrong_password = client.post(
        reverse("login"), {"username": learner.username, "password": "not-it"}
    ).content.decode()
    unknown_user = client.post(
        reverse("login"), {"username": "nobody-here", "password": TEST_PASSWORD}
    ).content.decode()

    message = "Please enter a correct username and password."
    assert message in wrong_password
    assert message in unknown_user


def test_logout_ends_the_session(learner_client):
    response = learner_client.post(reverse("logout"))

    assert response.status_code == HTTPStatus.FOUND
    assert learner_client.get(reverse("progress")).status_code == HTTPStatus.FOUND


def test_password_change_takes_effect(learner_client, learner):
    response = learner_client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    learner.refresh_from_db()
    assert learner.check_password(STRONG_PASSWORD)


def test_signed_in_user_visiting_signup_goes_home(learner_client):
    response = learner_client.get(reverse("signup"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("home")
