"""How the site holds its database connection, as a server process sees it.

Settings are read once per process, so each check runs in a fresh interpreter.
"""

import os
import subprocess
import sys

from django.conf import settings

# Two requests as Django's handler frames them: the same connection must serve both.
TWO_REQUESTS = """
from django.core.signals import request_finished, request_started
from django.db import connection
request_started.send(sender=None)
connection.cursor().execute("SELECT 1")
first = connection.connection
request_finished.send(sender=None)
request_started.send(sender=None)
connection.cursor().execute("SELECT 1")
print("kept" if connection.connection is first else "reopened")
"""


def test_a_server_process_keeps_its_sqlite_connection_from_one_request_to_the_next(tmp_path):
    """A new SQLite connection reads the whole schema on its first query, which costs more
    than a quiz answer: a classroom server must not pay it on every request."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", TWO_REQUESTS],
        cwd=settings.BASE_DIR,
        env={**env, "SQLITE_PATH": str(tmp_path / "site.sqlite3")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "kept"
