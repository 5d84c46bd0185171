"""Browser tests: Playwright drives Debian's Chromium against a live test server.

Playwright cannot download its own browser here, so it launches the system Chromium
(CHROMIUM_PATH, default /usr/bin/chromium). In CI a missing browser fails the run.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Chromium's own background traffic is refused on closed networks, so it is switched off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the live server and the test share a database file, as a deployment does.

    Django's default in-memory test database makes every live-server request thread use the
    test's one connection in shared-cache mode. There, a read still open in one thread (an
    htmx request, or the test looking up a row) makes another thread's write fail at once
    with "database table is locked": no busy timeout applies. With a file each thread has
    its own connection, in WAL mode with the settings' 20 s timeout, and writes wait.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e") / "db.sqlite3")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM_PATH.exists():
        message = f"Chromium not found at {CHROMIUM_PATH} (Debian package: chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI may not skip browser tests.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in this thread; the live server's ORM
        # calls happen in another thread, so Django's async-safety guard does not apply.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


CSP_VIOLATION = "Content Security Policy"


@pytest.fixture
def csp_violations() -> list[str]:
    """What Chromium reported on its console as refused by the Content-Security-Policy."""
    return []


@pytest.fixture
def page(browser, live_server, _static_files_without_manifest, csp_violations):
    """A fresh browser page; the test fails if any page it opened broke the CSP."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text) if CSP_VIOLATION in message.text else None
        ),
    )
    yield page
    context.close()
    if csp_violations:
        pytest.fail("The Content-Security-Policy was violated:\n" + "\n".join(csp_violations))
