"""Upgrades lose nothing: a database made by the release before this wave migrates to the
current code, `seed_demo` loads the current shipped content into it (as `make run` and
`make classroom` do after every upgrade) without changing a row a learner saved, and every
attempt in it still opens, resumes and shows its results or debrief.

The fixture (release-15810da.*.sql.gz, rebuilt by scripts/build_upgrade_fixture.sh) holds
case attempts at every stage, finished, expired and open quizzes, a custom practice quiz, a
review session and review cards, written by that release's own services. SQL dumps are used
because a `dumpdata` of the old schema cannot be loaded into the new one: the old schema is
restored as it was, and `migrate` takes it forward from there, as it would on a school's
server.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

HERE = Path(__file__).parent
RELEASE = "15810da"
CASE_STAGES = {
    "presentation",
    "workup",
    "interpretation",
    "diagnosis",
    "plan",
    "outcome",
    "debrief",
}
EXPECTED = {
    **{f"case:{stage}": 1 for stage in CASE_STAGES},
    "case:outcome": 2,
    "case:debrief": 2,
    "quiz:finished": 4,
    # One of the two open attempts a double-clicked Start made is closed by the migration.
    "quiz:expired": 2,
    "quiz:in_progress": 5,
    "review queues": 3,
    "review cards": 46,
}


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "true", "ALLOWED_HOSTS": "testserver", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _migrate_and_check(env: dict[str, str]) -> dict:
    """Migrate, run seed_demo, and open everything; what learners saved must be unchanged."""
    check = str(HERE / "check_upgraded.py")
    _run(env, "manage.py", "migrate", "--noinput")
    saved = json.loads(_run(env, check, "records"))
    seeded = _run(env, "manage.py", "seed_demo")
    assert "loaded: 51_quiz_bank_revised.json" in seeded
    assert "loaded: cases/01-cough-after-antibiotics.json" in seeded
    after = json.loads(_run(env, check, "records"))
    assert all(
        saved[model] for model in ("cases.Attempt", "quizzes.Response", "quizzes.ReviewCard")
    )
    for model, rows in saved.items():
        assert after[model] == rows, f"seed_demo changed {model} rows learners saved"
    return json.loads(_run(env, check).splitlines()[-1])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run covers this dump")
def test_a_sqlite_database_of_the_last_release_migrates_and_every_attempt_opens(tmp_path):
    path = tmp_path / "release.sqlite3"
    with gzip.open(HERE / f"release-{RELEASE}.sqlite.sql.gz", "rt", encoding="utf-8") as dump:
        script = dump.read()
    with sqlite3.connect(path) as db:
        db.executescript(script)

    report = _migrate_and_check({"SQLITE_PATH": str(path), "DATABASE_URL": ""})

    assert report["failures"] == []
    assert report["checked"] == EXPECTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs under scripts/with_postgres.sh")
def test_a_postgres_database_of_the_last_release_migrates_and_every_attempt_opens(db):
    psql = (
        Path(subprocess.check_output(["scripts/postgres_bin_dir.sh"], text=True).strip()) / "psql"
    )
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"upgrade_{uuid.uuid4().hex[:8]}"
    subprocess.run([psql, "-q", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)
    try:
        with gzip.open(HERE / f"release-{RELEASE}.postgres.sql.gz", "rb") as dump:
            subprocess.run(
                [psql, "-q", "-v", "ON_ERROR_STOP=1", f"{server}/{name}"],
                input=dump.read(),
                check=True,
                capture_output=True,
            )
        report = _migrate_and_check({"DATABASE_URL": f"{server}/{name}"})
    finally:
        subprocess.run(
            [psql, "-q", f"{server}/postgres", "-c", f"DROP DATABASE {name} WITH (FORCE)"],
            check=True,
        )

    assert report["failures"] == []
    assert report["checked"] == EXPECTED
