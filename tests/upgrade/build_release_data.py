"""Fill a database with a learner's records as the release before this wave made them.

Run by scripts/build_upgrade_fixture.sh inside a checkout of that release (commit 15810da),
never by the test suite: it calls that release's own services, so the rows are exactly
what its code wrote. It migrates, runs seed_demo, then plays the shipped case to every
stage, takes quizzes (finished, expired, open, a custom practice one) and leaves review
cards behind. Seeds are fixed so that a rebuild makes the same patients.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_site.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases import services as case_services  # noqa: E402
from cases.models import Case, Stage  # noqa: E402
from edu_site.models import User  # noqa: E402
from quizzes import services as quiz_services  # noqa: E402
from quizzes.models import Attempt as QuizAttempt  # noqa: E402
from quizzes.models import Quiz  # noqa: E402

FAST_TAPER = case_services.PlanInput(
    agent="prednisone",
    dose=0.75,
    unit="mg/kg/day",
    duration_days=14,
    taper=[(0.25, 14)],
    adjuncts={"pneumocystis_prophylaxis": True},
)
STANDARD = case_services.PlanInput(
    agent="prednisone",
    dose=0.75,
    unit="mg/kg/day",
    duration_days=28,
    taper=[(0.5, 28), (0.25, 90), (0.1, 90)],
    adjuncts={"pneumocystis_prophylaxis": True, "bone_protection": True},
)
RETREATMENT = case_services.PlanInput(
    agent="prednisone",
    dose=20,
    unit="mg/day",
    duration_days=28,
    taper=[(15, 60), (10, 90), (5, 90)],
    adjuncts={"bone_protection": True, "glucose_monitoring": True},
)
KEY_TESTS = ["hrct-chest", "bronchoscopy-bal", "ctd-serology", "crp-esr"]


def play_case(user: User, case: Case, stage: Stage, seed: int, plan=FAST_TAPER) -> None:
    """Play the shipped case with the old services until the attempt sits at ``stage``."""
    case_services.new_seed = lambda: seed
    attempt = case_services.attempt_start(user=user, case=case)
    if stage == Stage.PRESENTATION:
        case_services.history_ask(attempt=attempt, item_key="medications")
        return
    case_services.history_ask(attempt=attempt, item_key="medications")
    case_services.workup_begin(attempt=attempt)
    if stage == Stage.WORKUP:
        case_services.test_order(attempt=attempt, investigation_keys=KEY_TESTS[:2])
        return
    case_services.test_order(attempt=attempt, investigation_keys=KEY_TESTS)
    case_services.clock_advance(attempt=attempt, hours=72)
    case_services.workup_finish(attempt=attempt)
    if stage == Stage.INTERPRETATION:
        return
    content = attempt.content
    ordered = set(attempt.test_orders.values_list("investigation_key", flat=True))
    for question in case_services.questions_available(attempt, content, ordered):
        case_services.answer_submit(
            attempt=attempt,
            question_key=question["key"],
            option_keys=[question["options"][0]["key"]],
        )
    case_services.interpretation_finish(attempt=attempt)
    if stage == Stage.DIAGNOSIS:
        return
    case_services.diagnosis_submit(
        attempt=attempt,
        primary_key="cryptogenic-organizing-pneumonia",
        confidence_pct=70,
        differential={"community-acquired-pneumonia": "possible"},
    )
    if stage == Stage.PLAN:
        return
    case_services.plan_submit(attempt=attempt, plan_input=plan)
    if stage == Stage.OUTCOME:
        return
    while attempt.decision_event is not None:
        case_services.plan_revise(attempt=attempt, plan_input=RETREATMENT)
    case_services.attempt_finish(attempt=attempt)


def answer_all(attempt: QuizAttempt, *, right_every: int) -> None:
    """Answer every question, right on every ``right_every``-th and wrong on the others."""
    for response in attempt.responses.select_related("question").order_by("position"):
        correct = response.position % right_every == 0
        choices = response.question.choices.filter(is_correct=correct)
        chosen = list(choices.values_list("pk", flat=True)[:1]) or [
            response.question.choices.all()[0].pk
        ]
        quiz_services.response_save(
            attempt=attempt,
            question_id=response.question_id,
            choice_ids=chosen,
            confidence="high" if attempt.quiz.certainty_based_marking else "",
            expected_version=response.version,
        )


def main() -> None:
    random.seed(20260201)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    case = Case.objects.get(slug="typical-cop")
    learner = User.objects.get(username="learner")
    others = [
        User.objects.create_user(f"student{n}", f"student{n}@example.org", "op-demo-2026")
        for n in (1, 2)
    ]
    for number, stage in enumerate(Stage):
        play_case(learner, case, stage, seed=1000 + number)
    play_case(others[0], case, Stage.DEBRIEF, seed=2001, plan=STANDARD)
    play_case(others[1], case, Stage.OUTCOME, seed=2002, plan=STANDARD)

    tutor, exam, drawn = (
        Quiz.objects.get(slug=s) for s in ("op-essentials-tutor", "op-exam", "op-random-cbm")
    )
    for user in (learner, *others):
        finished = quiz_services.attempt_start(user=user, quiz=tutor)
        answer_all(finished, right_every=2)
        quiz_services.attempt_finish(attempt=finished)
    started = timezone.now() - timedelta(hours=2)
    expired = quiz_services.attempt_start(user=learner, quiz=exam, now=started)
    first = expired.responses.order_by("position")[0]
    quiz_services.response_save(
        attempt=expired,
        question_id=first.question_id,
        choice_ids=[first.question.choices.all()[0].pk],
        expected_version=0,
        now=started + timedelta(minutes=1),
    )
    quiz_services.attempts_expire_overdue()
    open_exam = quiz_services.attempt_start(user=learner, quiz=exam)
    first = open_exam.responses.order_by("position")[0]
    quiz_services.response_save(
        attempt=open_exam,
        question_id=first.question_id,
        choice_ids=[first.question.choices.all()[0].pk],
        expected_version=0,
    )
    cbm = quiz_services.attempt_start(user=learner, quiz=drawn)
    answer_all(cbm, right_every=3)
    quiz_services.attempt_finish(attempt=cbm)
    quiz_services.attempt_start(user=others[0], quiz=drawn)
    practice = quiz_services.practice_quiz_create(user=learner, topic_ids=[], count=5, pool="all")
    quiz_services.attempt_start(user=learner, quiz=practice)
    review = quiz_services.review_quiz_create(user=learner, now=timezone.now() + timedelta(days=30))
    answer_all(quiz_services.attempt_start(user=learner, quiz=review), right_every=1)


if __name__ == "__main__":
    main()
