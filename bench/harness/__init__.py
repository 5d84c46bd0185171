"""The set-up the database benches share: Django on a throwaway database.

A bench calls ``django_setup()`` before it imports anything of Django or the project, then
hands its measuring function to ``on_throwaway_database``. Without DATABASE_URL the database
is a temporary SQLite file; with it, a test database is created on the server it names and
dropped at the end, so a bench never writes to a real site's data. It is a folder of its own
so that ``make bench``, which runs every ``bench/*.py``, does not run it as a bench.
"""

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def django_setup() -> None:
    """Make the project importable and set Django up on a temporary SQLite file, or on the
    server DATABASE_URL names."""
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_site.settings")
    import django

    django.setup()


def on_throwaway_database(run: Callable[[], None]) -> None:
    """Migrate the temporary SQLite file, or create a test database on the server and drop
    it afterwards, and run ``run`` against it."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        run()
        return
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
