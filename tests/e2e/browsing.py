"""What every browser test does the same way: log in through the real login form."""

from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD


def log_in(page: Page, username: str) -> None:
    """Log in as a learner or an educator would, and wait until the site says who it is."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Signed in as")).to_contain_text(username)
