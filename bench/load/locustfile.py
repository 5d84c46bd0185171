"""Virtual learners for the classroom load test (bench/classroom_load.py runs this).

Each learner either logs in through the real login form as it arrives (LOAD_PASSWORD set:
LOAD_SESSIONS then lists usernames, and the runner's spawn rate spreads the arrivals as a
class arrives) or starts with a session of a prepared account (LOAD_SESSIONS lists session
keys). It then thinks 30 to 90 s between actions, and is one of two kinds: a quiz taker who
opens a question and answers it, or a case player who works through the case's first
stages. Every answer the server acknowledged (200, no refusal) is written to
ACKNOWLEDGED_LOG, so the runner can check in the database that each was stored exactly
once; every request's name, time and outcome go to LOAD_TIMINGS, from which the runner
takes exact percentiles for the logins and for everything else apart.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Mapping
from itertools import count
from pathlib import Path

import requests
from locust import HttpUser, between, events, task

SESSIONS = json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text())
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
ACKNOWLEDGED_LOG = Path(os.environ["ACKNOWLEDGED_LOG"])
TIMINGS = Path(os.environ["LOAD_TIMINGS"])
_timings: list[tuple[str, float, bool]] = []
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
QUIZ = "op-essentials-tutor"
CASE = os.environ["LOAD_CASE"]
HISTORY = ["onset", "medications", "ctd-symptoms", "exposures"]
TESTS = ["hrct-chest", "crp-esr", "ctd-serology", "bronchoscopy-bal"]
_next_session = count()


def acknowledge(answer: dict[str, str]) -> None:
    """Note an answer the server acknowledged, at once, in case this process dies."""
    with ACKNOWLEDGED_LOG.open("a") as log:
        log.write(json.dumps(answer) + "\n")


@events.request.add_listener
def _time_request(name: str, response_time: float, exception: object, **_: object) -> None:
    _timings.append((name, response_time, exception is None))


@events.quitting.add_listener
def _write_timings(**_: object) -> None:
    TIMINGS.write_text(json.dumps(_timings))


class Learner(HttpUser):
    abstract = True
    wait_time = between(30, 90)

    def on_start(self) -> None:
        account = SESSIONS[next(_next_session) % len(SESSIONS)]
        if PASSWORD:
            self.log_in(account)
        else:
            self.client.cookies.set("sessionid", account)
        self.client.get("/", name="home")  # sets the CSRF cookie, as a first visit does
        self.wait()  # a class does not all click at the same second

    def log_in(self, username: str) -> None:
        """The login form, as a browser fills it: its page (the CSRF cookie), then the post."""
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login answered {answer.status_code}")

    def post(
        self, url: str, data: Mapping[str, object], name: str, htmx: bool = False
    ) -> requests.Response:
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(url, data=data, headers=headers, name=name, allow_redirects=False)


class QuizTaker(Learner):
    attempt_url = ""
    position = 1

    @task
    def answer_a_question(self) -> None:
        if not self.attempt_url:
            started = self.post(f"/quizzes/{QUIZ}/start/", {}, name="quiz: start")
            self.attempt_url = started.headers.get("Location", "").split("?")[0]
            if not self.attempt_url:
                return
        page = self.client.get(f"{self.attempt_url}?q={self.position}", name="quiz: question page")
        fields = dict(HIDDEN.findall(page.text))
        choices = CHOICE.findall(page.text)
        if "question" not in fields or not choices:
            return
        choice = random.choice(choices)
        with self.client.post(
            f"{self.attempt_url}answer/",
            data={**fields, "choice": choice},
            headers={
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                "Referer": self.host,
                "HX-Request": "true",
            },
            name="quiz: answer",
            catch_response=True,
        ) as answered:
            if answered.status_code == 200 and 'class="errorlist"' not in answered.text:
                acknowledge(
                    {"attempt": self.attempt_url, "question": fields["question"], "choice": choice}
                )
                answered.success()
            elif answered.status_code == 200:
                answered.success()  # a stale page refused politely: not an error
        self.position = self.position % 13 + 1


class CasePlayer(Learner):
    attempt = ""
    step = 0

    @task
    def take_the_next_step(self) -> None:
        if not self.attempt:
            started = self.post(f"/cases/{CASE}/start/", {}, name="case: start")
            location = started.headers.get("Location", "")
            found = re.search(r"/cases/attempts/(\d+)/", location)
            if not found:
                return
            self.attempt = f"/cases/attempts/{found.group(1)}/"
            self.client.get(location, name="case: presentation page")
            return
        steps: list[tuple[str, Mapping[str, object], str, bool]] = [
            *[
                (f"{self.attempt}history/", {"item": item}, "case: ask history", True)
                for item in HISTORY
            ],
            (f"{self.attempt}workup/begin/", {}, "case: begin work-up", False),
            (f"{self.attempt}tests/", {"investigations": TESTS[:2]}, "case: order tests", True),
            (f"{self.attempt}tests/", {"investigations": TESTS[2:]}, "case: order tests", True),
            (f"{self.attempt}clock/", {"hours": 72}, "case: advance clock", True),
        ]
        if self.step < len(steps):
            url, data, name, htmx = steps[self.step]
            self.post(url, data, name=name, htmx=htmx)
            self.step += 1
        else:
            self.client.get(f"{self.attempt}workup/", name="case: work-up page")
