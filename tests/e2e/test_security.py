"""In the browser: the Content-Security-Policy holds, a login lock-out and a password reset
by email work as a learner meets them."""

import re

from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "Masson-bodies-2026!"


def test_the_site_refuses_inline_script_and_the_tests_notice(page, csp_violations):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy

    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.injected = true"; document.head.append(s); }"""
    )

    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("window.injected") is None
    page.wait_for_timeout(200)
    assert any("script-src" in text or "default-src" in text for text in csp_violations)
    csp_violations.clear()


def test_too_many_wrong_passwords_pause_logging_in_and_say_until_when(page, transactional_db):
    learner = UserFactory.create()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(learner.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(learner.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many wrong passwords")
    expect(page.get_by_text("Try again after")).to_be_visible()
    expect(page.get_by_role("link", name="OP Virtual Patients")).to_be_visible()


def test_a_forgotten_password_is_reset_through_the_emailed_link(page, transactional_db):
    learner = UserFactory.create(email="ana@example.org")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    link = re.search(r"https?://[^/]+(/\S+)", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    page.goto(link.group(1))
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    page.get_by_role("link", name="Log in with it").click()
    page.get_by_label("Username").fill(learner.username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("Signed in as")).to_contain_text(learner.username)
