"""`check --deploy` with the production variables README documents.

Settings are read once per process, so each check runs in a fresh interpreter.
"""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qm2v9!zR4tLp8@wX1sN6cJ3hF0dG5yB-uE2aT9oK4iV7rM1qZ8xC3nH6jL0pS",
    "ALLOWED_HOSTS": "op.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://op.example.org",
    "HTTPS": "true",
}


# Set by the browser tests for their own process; a deployment never has it.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key not in TEST_ONLY_VARIABLES
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_the_documented_production_variables():
    result = deploy_check(PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_catches_a_forgotten_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    result = deploy_check(env)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_deploy_check_catches_plain_http():
    env = {**PRODUCTION_ENV, "HTTPS": "false"}

    result = deploy_check(env)

    assert result.returncode != 0
    assert "security.W008" in result.stderr


CLASSROOM_ENV = {
    "DEBUG": "false",
    "CLASSROOM": "true",
    "SERVE_MEDIA": "true",
    "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"],
    "ALLOWED_HOSTS": "localhost,127.0.0.1,192.168.1.20",
}


def test_deploy_check_is_clean_in_classroom_mode_over_plain_http():
    """What scripts/classroom.sh (`make classroom`) sets: only the HTTPS checks are off."""
    result = deploy_check(CLASSROOM_ENV)

    assert result.returncode == 0, result.stderr
    assert "4 silenced" in result.stdout


def test_classroom_mode_still_catches_a_forgotten_secret_key():
    result = deploy_check({**CLASSROOM_ENV, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_a_mistyped_boolean_stops_the_site_instead_of_guessing():
    result = deploy_check({**PRODUCTION_ENV, "DEBUG": "flase"})

    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr
