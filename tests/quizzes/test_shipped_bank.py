"""The question bank that seed_demo ships: enough cited questions and the two quizzes."""

import pytest
from django.conf import settings
from django.core.management import call_command

from quizzes.models import Choice, Question, Quiz, Topic

pytestmark = pytest.mark.django_db

TOPICS = settings.BASE_DIR / "fixtures" / "10_topics.json"
BANK = settings.BASE_DIR / "fixtures" / "50_quiz_bank.json"
CITATIONS = {
    "Clinical summary: COP vs secondary OP (2025)",
    "MSD Manual Professional: Cryptogenic Organizing Pneumonia (2025)",
    "GARD: Cryptogenic organizing pneumonia (2020)",
    "Clinical summary: management of COP (2025)",
    "King & Lee, N Engl J Med 2022",
}


@pytest.fixture
def bank():
    call_command("loaddata", str(TOPICS), str(BANK), verbosity=0)


def test_the_bank_has_at_least_twenty_published_questions_each_cited(bank):
    questions = Question.objects.filter(status="ready")

    assert questions.count() >= 20
    for question in questions:
        assert question.reference_list(), question.pk
        assert set(question.reference_list()) <= CITATIONS, question.pk
        assert question.topics.exists(), question.pk


def test_every_option_is_explained_and_every_question_has_a_right_answer(bank):
    assert not Choice.objects.filter(explanation="").exists()
    for question in Question.objects.prefetch_related("choices"):
        right = [choice for choice in question.choices.all() if choice.is_correct]
        expected_right = len(right) if question.kind == "multiple" else 1
        assert len(right) == expected_right >= 1, question.pk


def test_the_sources_disagreements_are_taught(bank):
    stems = " ".join(Question.objects.values_list("stem", flat=True)).lower()
    assert "relapse" in stems
    assert "pleural effusion" in stems
    assert "initial full dose" in stems


def test_topics_are_nested(bank):
    assert str(Topic.objects.get(slug="imaging")) == "Diagnosis > Imaging"


def test_one_tutor_quiz_and_one_timed_exam_are_published(bank):
    tutor = Quiz.objects.get(slug="op-essentials-tutor")
    exam = Quiz.objects.get(slug="op-exam")

    assert (tutor.mode, tutor.is_timed, tutor.is_published) == ("tutor", False, True)
    assert (exam.mode, exam.time_limit_minutes, exam.is_published) == ("exam", 20, True)
    assert tutor.questions.count() >= 10
    assert exam.questions.count() >= 10


def test_loading_the_bank_again_updates_rather_than_duplicates(bank):
    counts = (Question.objects.count(), Choice.objects.count(), Quiz.objects.count())

    call_command("loaddata", str(TOPICS), str(BANK), verbosity=0)

    assert (Question.objects.count(), Choice.objects.count(), Quiz.objects.count()) == counts
