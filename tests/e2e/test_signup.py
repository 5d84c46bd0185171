import re

from playwright.sync_api import expect


def test_a_new_learner_signs_up_and_lands_on_the_home_page(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()

    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password:", exact=True).fill("Masson-bodies-2026!")
    page.get_by_label("Password confirmation").fill("Masson-bodies-2026!")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Signed in as")).to_contain_text("ada")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learn organizing pneumonia by treating it"
    )


def test_a_weak_password_is_refused_with_the_reason(page):
    page.goto("/accounts/signup/")

    page.get_by_label("Username").fill("bob")
    page.get_by_label("Email").fill("bob@example.org")
    page.get_by_label("Password:", exact=True).fill("password")
    page.get_by_label("Password confirmation").fill("password")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
