"""Password reset by email: the pages in the site's layout, a link that works once, and no
answer that tells whether an address has an account."""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from edu_site.settings import email_from_env
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Masson-bodies-2026!"


def main_of(response) -> str:
    """The page's content, without the per-request CSRF token of the layout."""
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def emailed_path(body: object) -> str:
    """The path of the one link in a mail's text."""
    found = re.search(r"https?://[^/]+(/\S+)", str(body))
    assert found, body
    return found.group(1)


def ask_reset(client, email, address="10.0.0.5"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_the_login_page_offers_a_password_reset(client):
    page = client.get(reverse("login")).text

    assert f'href="{reverse("password_reset")}">Forgot password?</a>' in page


def test_the_reset_page_is_in_the_sites_layout(client):
    page = client.get(reverse("password_reset")).text

    assert 'class="site-header"' in page
    assert "Django administration" not in page


def test_a_known_and_an_unknown_address_get_the_same_answer(client):
    UserFactory(email="ana@example.org")

    known = ask_reset(client, "ana@example.org")
    unknown = ask_reset(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    assert main_of(client.get(known["Location"])) == main_of(client.get(unknown["Location"]))
    assert len(mail.outbox) == 1


def test_the_emailed_link_sets_a_new_password_once(client):
    user = UserFactory.create(email="ana@example.org")
    ask_reset(client, "ANA@example.org")
    link = emailed_path(mail.outbox[0].body)

    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)

    assert done.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)
    assert "This link no longer works" in again.text


def test_reset_requests_are_throttled_per_address(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    UserFactory(email="ana@example.org")

    answers = [ask_reset(client, "ana@example.org").status_code for _ in range(3)]

    assert answers == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS]
    assert len(mail.outbox) == 2


def test_without_email_settings_mail_is_printed_on_the_console(monkeypatch):
    for name in ("EMAIL_URL", "EMAIL_HOST"):
        monkeypatch.delenv(name, raising=False)

    assert email_from_env()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_email_url_configures_smtp(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://op:secret@mail.example.org:587/?tls=True")

    config = email_from_env()

    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("op", "secret")
    assert config["EMAIL_USE_TLS"] is True


def test_the_usual_email_variables_configure_smtp(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("EMAIL_HOST", "mail.example.org")
    monkeypatch.setenv("EMAIL_PORT", "465")
    monkeypatch.setenv("EMAIL_USE_SSL", "true")
    monkeypatch.setenv("EMAIL_USE_TLS", "false")

    config = email_from_env()

    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 465
    assert config["EMAIL_USE_SSL"] is True
