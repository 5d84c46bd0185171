"""Benchmark: the quiz answer POST as a classroom server answers it, over HTTP on loopback.

bench_hot_paths.py times requests in-process, where Django's test client keeps one database
connection for the whole run; a real server runs each request through Django's request
signals, which close and reopen the connection unless it is kept (CONN_MAX_AGE). This bench
starts the classroom mode's server (gunicorn, DEBUG off) on a throwaway SQLite file and a
free loopback port, changes one exam answer again and again, and prints the median time
from sending the request to reading the whole reply (the budget of issue 15 is for the
server's share, which bench_hot_paths.py measures):

    .venv/bin/python bench/bench_classroom_server.py
"""

import os
import secrets
import socket
import statistics as stats
import subprocess
import sys
import time

from harness import ROOT, django_setup

os.environ.update(DEBUG="false", CLASSROOM="true", ALLOWED_HOSTS="127.0.0.1")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
django_setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

from edu_site.models import User  # noqa: E402
from quizzes import services  # noqa: E402
from quizzes.models import Attempt, Quiz  # noqa: E402

ANSWERS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def learner_session(user: User) -> str:
    """A logged-in session, as the login form would leave it (no password hashing timed)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def exam_attempt() -> tuple[Attempt, str]:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--content-only", verbosity=0)
    user = User.objects.create_user("bench", "bench@example.org", secrets.token_urlsafe(16))
    exam = Quiz.objects.get(slug="op-exam")  # an exam lets an answer change, again and again
    return services.attempt_start(user=user, quiz=exam), learner_session(user)


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit("the server stopped before it answered")
        try:
            requests.get(url, timeout=10)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    sys.exit("the server did not answer within 30 s")


def answer_times(base: str, attempt: Attempt, session_key: str) -> list[float]:
    """Milliseconds per answer, the version tracked here as the page does."""
    responses = list(attempt.responses.order_by("position"))
    versions = {response.pk: response.version for response in responses}
    csrf = secrets.token_hex(16)
    http = requests.Session()
    http.cookies.update({settings.SESSION_COOKIE_NAME: session_key, "csrftoken": csrf})
    headers = {"HX-Request": "true", "X-CSRFToken": csrf, "Referer": base}
    url = f"{base}/quizzes/attempts/{attempt.pk}/answer/"
    times = []
    for number in range(ANSWERS):
        response = responses[number % len(responses)]
        data = {
            "question": response.question_id,
            "position": response.position,
            "version": versions[response.pk],
            "choice": response.choice_order[number // len(responses) % 2],
        }
        started = time.perf_counter()
        reply = http.post(url, data=data, headers=headers, timeout=10)
        times.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, (reply.status_code, reply.text[:300])
        versions[response.pk] += 1
    return times


def main() -> None:
    attempt, session_key = exam_attempt()
    port = free_port()
    gunicorn = [f"{ROOT}/.venv/bin/gunicorn", "edu_site.wsgi", "--workers", "1", "--threads", "1"]
    server = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=os.environ.copy(),
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/accounts/login/", server)
        times = answer_times(base, attempt, session_key)
    finally:
        server.terminate()
        server.wait(timeout=30)
    warm = times[10:]  # the first answers warm the worker's templates and caches
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(f"gunicorn, 1 sync worker, SQLite; {len(warm)} answers after 10 to warm up")
    print(f"load average {load}; the client's and the loopback's share is included")
    print(
        f"  quiz answer POST over HTTP: median {stats.median(warm):.1f} ms, "
        f"p90 {stats.quantiles(warm, n=10)[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
