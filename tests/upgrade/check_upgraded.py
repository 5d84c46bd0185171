"""Open every attempt in an upgraded database through the site's own pages.

tests/upgrade/test_upgrade.py runs this in a subprocess whose settings point at a database
that was made by an older release and then migrated, so nothing here touches the test
database. It prints one JSON line: what was checked, and every page that did not answer.
With the argument ``records`` it prints instead every row a learner saved, so the test can
compare them before and after ``seed_demo`` loads the current shipped content.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_site.settings")

import django

django.setup()

from django.core import serializers  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.http.response import HttpResponseBase  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Attempt as CaseAttempt  # noqa: E402
from cases.models import (  # noqa: E402
    CheckResult,
    CourseOutcome,
    DiagnosisSubmission,
    HistoryAsk,
    InterpretationAnswer,
    PlanSubmission,
    Stage,
    TestOrder,
)
from edu_site.models import User  # noqa: E402
from quizzes.models import Attempt as QuizAttempt  # noqa: E402
from quizzes.models import Question, Quiz, Response, ResponseChoice, ReviewCard  # noqa: E402

LEARNER_ROWS: tuple[type[Model], ...] = (
    CaseAttempt,
    HistoryAsk,
    TestOrder,
    InterpretationAnswer,
    DiagnosisSubmission,
    PlanSubmission,
    CourseOutcome,
    CheckResult,
    QuizAttempt,
    Response,
    ResponseChoice,
)
"""What learners saved, row for row. A review card and a learner's own quiz are compared by
their questions' families, since a newer shipped version of a question takes them over, as
an edit in admin does."""


def learner_records() -> dict[str, list[dict[str, object]]]:
    records = {
        model._meta.label: [
            {"pk": row["pk"], **row["fields"]}
            for row in serializers.serialize("python", model._default_manager.order_by("pk"))
        ]
        for model in LEARNER_ROWS
    }
    cards = ReviewCard.objects.select_related("question").order_by("pk")
    records["quizzes.ReviewCard"] = [
        {
            "pk": card.pk,
            "user": card.user_id,
            "family": card.question.family,
            "due": card.due,
            "state": card.state,
            "stability": card.stability,
            "reviews": card.reviews,
            "lapses": card.lapses,
        }
        for card in cards
    ]
    own_quizzes = Quiz.objects.filter(owner__isnull=False).order_by("pk")
    records["quizzes.Quiz (a learner's own)"] = [
        {
            "pk": quiz.pk,
            "owner": quiz.owner_id,
            "title": quiz.title,
            "questions": [
                member.question.family
                for member in quiz.quiz_questions.select_related("question").order_by("order", "pk")
            ],
        }
        for quiz in own_quizzes
    ]
    return records


def main() -> None:
    checked: Counter[str] = Counter()
    failures: list[str] = []
    clients: dict[int, Client] = {}

    def client_for(user: User) -> Client:
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    def expect(
        label: str, response: HttpResponseBase, status: int = 200, location: str | None = None
    ) -> None:
        if response.status_code != status:
            failures.append(f"{label}: {response.status_code}")
        elif location is not None and response.headers.get("Location") != location:
            failures.append(f"{label}: went to {response.headers.get('Location')}")

    for attempt in CaseAttempt.objects.select_related("user").order_by("pk"):
        client = client_for(attempt.user)
        stage_url = attempt.get_absolute_url()
        label = f"case attempt {attempt.pk} at {attempt.stage}"
        expect(
            f"{label}, resume",
            client.get(reverse("cases:resume", args=[attempt.pk])),
            302,
            stage_url,
        )
        expect(f"{label}, stage page", client.get(stage_url))
        if attempt.stage_reached(Stage.OUTCOME):
            expect(f"{label}, outcome", client.get(reverse("cases:outcome", args=[attempt.pk])))
        checked[f"case:{attempt.stage}"] += 1

    now = timezone.now()
    for quiz_attempt in QuizAttempt.objects.select_related("user", "quiz").order_by("pk"):
        client = client_for(quiz_attempt.user)
        label = f"quiz attempt {quiz_attempt.pk} ({quiz_attempt.state})"
        detail = reverse("quizzes:attempt", args=[quiz_attempt.pk])
        results = reverse("quizzes:results", args=[quiz_attempt.pk])
        if quiz_attempt.state == QuizAttempt.State.IN_PROGRESS and quiz_attempt.is_overdue(now):
            # Its time ran out after the dump was made: opening it hands it in.
            expect(f"{label}, past its deadline", client.get(detail), 302, results)
            expect(f"{label}, results", client.get(results))
        elif quiz_attempt.state == QuizAttempt.State.IN_PROGRESS:
            expect(f"{label}, page", client.get(detail))
            if quiz_attempt.quiz.owner_id is None:  # a learner's own practice quiz has no Start
                start = reverse("quizzes:start", args=[quiz_attempt.quiz.slug])
                expect(f"{label}, start again resumes it", client.post(start), 302, detail)
        else:
            expect(f"{label}, results", client.get(results))
        checked[f"quiz:{quiz_attempt.state}"] += 1

    for user in User.objects.filter(pk__in=ReviewCard.objects.values("user_id")):
        expect(f"review queue of {user.username}", client_for(user).get(reverse("quizzes:review")))
        checked["review queues"] += 1
    for card in ReviewCard.objects.select_related("question").order_by("pk"):
        if card.question.status == Question.Status.RETIRED or card.question.is_superseded:
            failures.append(f"review card {card.pk} is left on a replaced question")
    checked["review cards"] = ReviewCard.objects.count()
    for user in User.objects.filter(pk__in=CaseAttempt.objects.values("user_id")):
        expect(f"progress of {user.username}", client_for(user).get(reverse("progress")))
    print(json.dumps({"checked": checked, "failures": failures}))


if __name__ == "__main__":
    if sys.argv[1:] == ["records"]:
        print(json.dumps(learner_records(), cls=DjangoJSONEncoder, sort_keys=True))
    else:
        main()
