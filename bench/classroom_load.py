"""Classroom load test: virtual learners against the several-server stack, on loopback.

    scripts/stack.sh start                       # WORKERS=2 (or 4) per app server
    .venv/bin/python bench/classroom_load.py --learners 500 1000 2000 --minutes 3
    .venv/bin/python bench/classroom_load.py --learners 600 --minutes 4 --login-minutes 2
    .venv/bin/python bench/classroom_load.py --learners 1000 --minutes 3 --kill-app-at 90

Each size runs locust headless for a bounded time (--minutes) with fresh accounts, thinking
30 to 90 s between actions (bench/load/locustfile.py: half quiz takers, half case players),
and prints one row: learners, requests/s, p50 and p95 of the learners' actions, errors, and
the machine's load average (its highest one-minute figure during the run). Learners start
logged in, or with --login-minutes they log in through the real login form, arriving evenly
over that many first minutes as a class does, and the row adds the logins' p50 and p95.
With --kill-app-at, app server 1 is killed (kill -9, master and workers) that many seconds
into the run, and afterwards every answer the server acknowledged is looked up in the
database: it must be stored exactly once, with the choice the learner sent.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
STACK = REPO / "scripts" / "stack.sh"
HOST = f"http://127.0.0.1:{os.environ.get('STACK_PORT', '8080')}"


def stack_env() -> dict[str, str]:
    """The app servers' settings, so accounts and checks use the stack's database."""
    lines = subprocess.run([STACK, "env"], capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in lines.splitlines() if "=" in line)


os.environ.update(stack_env())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_site.settings")
os.environ["SECRET_KEY"] = (REPO / ".stack" / "secret-key").read_text().strip()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from cases.models import Case  # noqa: E402
from edu_site.models import User  # noqa: E402
from quizzes.models import Response, ResponseChoice  # noqa: E402

PASSWORD = "load-test-pass-2026"
LOGIN_REQUESTS = ("login page", "login")


def accounts(prefix: str, count: int) -> list[str]:
    """``count`` new learner accounts with the password PASSWORD; their usernames."""
    password = make_password(PASSWORD)
    names = [f"{prefix}{n:05d}" for n in range(count)]
    User.objects.bulk_create([User(username=name, password=password) for name in names], 1000)
    return names


def logged_in_sessions(prefix: str, count: int) -> list[str]:
    """``count`` new learner accounts and a session for each, as a login would leave it."""
    accounts(prefix, count)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = []
    for user in User.objects.filter(username__startswith=prefix):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile of ``times`` (0 for none)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class LoadWatch:
    """The machine's highest one-minute load average while a run lasts, sampled every 10 s."""

    def __init__(self) -> None:
        self.highest = os.getloadavg()[0]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(10):
            self.highest = max(self.highest, os.getloadavg()[0])

    def stop(self) -> float:
        self._stop.set()
        return max(self.highest, os.getloadavg()[0])


def run_locust(
    learners: int, seconds: int, workdir: Path, kill_at: int | None, login_minutes: float | None
) -> dict:
    prefix = f"load{int(time.time()) % 100000}x{learners}_"
    sessions = workdir / f"{prefix}sessions.json"
    if login_minutes:
        sessions.write_text(json.dumps(accounts(prefix, learners)))
        spawn_rate = learners / (login_minutes * 60)
    else:
        sessions.write_text(json.dumps(logged_in_sessions(prefix, learners)))
        spawn_rate = max(1, learners // 60)
    acknowledged = workdir / f"{prefix}acknowledged.jsonl"
    acknowledged.touch()
    timings = workdir / f"{prefix}timings.json"
    if kill_at is not None:
        threading.Timer(kill_at, subprocess.run, args=([STACK, "kill-app1"],)).start()
    watch = LoadWatch()
    subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "locust"),
            *("-f", str(REPO / "bench" / "load" / "locustfile.py"), "--headless"),
            *("--users", str(learners), "--spawn-rate", f"{spawn_rate:.3f}"),
            *("--run-time", f"{seconds}s", "--stop-timeout", "10", "--host", HOST),
            *("--csv", str(workdir / prefix), "--only-summary", "--loglevel", "ERROR"),
        ],
        env={
            **os.environ,
            "LOAD_SESSIONS": str(sessions),
            "LOAD_PASSWORD": PASSWORD if login_minutes else "",
            "LOAD_TIMINGS": str(timings),
            "ACKNOWLEDGED_LOG": str(acknowledged),
            "LOAD_CASE": Case.objects.filter(status=Case.Status.PUBLISHED).order_by("pk")[0].slug,
        },
        check=False,
        timeout=seconds + 120,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / f"{prefix}locust.log").open("w"),
    )
    load = watch.stop()
    with open(workdir / f"{prefix}_stats.csv") as stats_file:
        total = next(row for row in csv.DictReader(stats_file) if row["Name"] == "Aggregated")
    timed = json.loads(timings.read_text()) if timings.exists() else []
    actions = [ms for name, ms, _ in timed if name not in LOGIN_REQUESTS]
    logins = [ms for name, ms, _ in timed if name == "login"]
    return {
        "learners": learners,
        "requests": int(total["Request Count"]),
        "rps": float(total["Requests/s"]),
        "p50": percentile(actions, 0.50),
        "p95": percentile(actions, 0.95),
        "errors": int(total["Failure Count"]),
        "logins": len(logins),
        "login_p50": percentile(logins, 0.50),
        "login_p95": percentile(logins, 0.95),
        "load": load,
        "acknowledged": acknowledged,
    }


def stored_once(acknowledged: Path) -> tuple[int, int, list[str]]:
    """Acknowledged answers, those stored exactly once as sent, and what went wrong."""
    answers = [json.loads(line) for line in acknowledged.read_text().splitlines() if line]
    latest = {}
    for answer in answers:  # a learner may answer a question again; the last answer holds
        attempt_id = int(answer["attempt"].rstrip("/").rsplit("/", 1)[1])
        latest[(attempt_id, int(answer["question"]))] = int(answer["choice"])
    problems = []
    for (attempt_id, question_id), choice in latest.items():
        rows = Response.objects.filter(attempt_id=attempt_id, question_id=question_id)
        chosen = list(
            ResponseChoice.objects.filter(response__in=rows).values_list("choice_id", flat=True)
        )
        if rows.count() != 1 or chosen != [choice]:
            problems.append(f"attempt {attempt_id} question {question_id}: stored {chosen}")
    return len(answers), len(latest) - len(problems), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", required=True)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--kill-app-at", type=int, default=None, help="seconds into each run")
    parser.add_argument(
        "--login-minutes", type=float, default=None, help="log in through the form, arriving over"
    )
    options = parser.parse_args()
    seconds = int(options.minutes * 60)
    workers = os.environ.get("WORKERS", "2")
    workdir = Path(tempfile.mkdtemp(prefix="classroom-load-"))
    arrival = (
        f"logging in through the form over the first {options.login_minutes:g} min"
        if options.login_minutes
        else "already logged in"
    )
    print(f"{seconds} s per run, think time 30 to 90 s, {workers} workers per app server (WORKERS)")
    print(f"learners {arrival}; p50/p95 of their actions, logins apart")
    print(
        f"{'learners':>8} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}"
        f" {'logins':>6} {'login p50':>9} {'login p95':>9} {'load':>5}"
    )
    for learners in options.learners:
        row = run_locust(learners, seconds, workdir, options.kill_app_at, options.login_minutes)
        print(
            f"{row['learners']:>8} {row['requests']:>8} {row['rps']:>7.1f} {row['p50']:>7.0f} "
            f"{row['p95']:>7.0f} {row['errors']:>6} {row['logins']:>6} {row['login_p50']:>9.0f}"
            f" {row['login_p95']:>9.0f} {row['load']:>5.1f}",
            flush=True,
        )
        if options.kill_app_at is not None:
            sent, stored, problems = stored_once(row["acknowledged"])
            print(
                f"  app server 1 killed at {options.kill_app_at} s; acknowledged answers: "
                f"{sent}, distinct (attempt, question) stored exactly once as sent: {stored}"
            )
            for problem in problems[:20]:
                print(f"  NOT STORED AS SENT: {problem}")


if __name__ == "__main__":
    main()
