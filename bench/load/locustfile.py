"""Virtual learners for the classroom load test (bench/classroom_load.py runs this).

Each learner is already logged in (the runner hands every one a session of a prepared
account, so the run measures the learning, and logins are measured on their own), thinks
30 to 90 s between actions, and is one of two kinds: a quiz taker who opens a question and
answers it, or a case player who works through the case's first stages. Every answer the
server acknowledged (200, no refusal) is written to ACKNOWLEDGED_LOG, so the runner can
check in the database that each was stored exactly once.
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
from locust import HttpUser, between, task

SESSIONS = json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text())
ACKNOWLEDGED_LOG = Path(os.environ["ACKNOWLEDGED_LOG"])
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


class Learner(HttpUser):
    abstract = True
    wait_time = between(30, 90)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SESSIONS[next(_next_session) % len(SESSIONS)])
        self.client.get("/", name="home")  # sets the CSRF cookie, as a first visit does
        self.wait()  # a class does not all click at the same second

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
