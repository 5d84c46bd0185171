"""The question bank that seed_demo ships: its size, coverage, citations and item quality."""

import re

import pytest

from cases.simulation.sources import CITATIONS, Source
from quizzes import item_writing
from quizzes.models import Choice, Question, Quiz, Topic
from tests.conftest import shipped_bank_load

pytestmark = pytest.mark.django_db

MIN_QUESTIONS = 150
MIN_VIGNETTE_SHARE = 0.60
MAX_KEY_LONGEST_SHARE = 1 / 3
LABEL = re.compile(r"\b(" + "|".join(re.escape(source.value) for source in Source) + r")\b")
DISAGREEMENTS = {
    "op-q9": {Source.NEJM, Source.MSD, Source.SUM_DX},  # how often a pleural effusion occurs
    "op-q18": {Source.NEJM, Source.SUM_MX},  # 2-4 or 4-8 weeks at the full dose
    "op-q20": {Source.NEJM, Source.SUM_MX},  # 48 hours, or 24-72 hours and up to 10 days
    "op-q22": {Source.NEJM, Source.SUM_MX},  # clarithromycin: an alternative, or weaker
    "op-q24": {Source.NEJM, Source.MSD, Source.SUM_DX, Source.SUM_MX},  # relapse rates
    "op-q25": {Source.NEJM, Source.SUM_MX},  # treatment delayed over 2 months or over 22 weeks
    "op-q1004": {Source.NEJM, Source.MSD},  # a flu-like onset in 10-15% or in about half
    "op-q1205": {Source.NEJM, Source.MSD, Source.SUM_MX},  # the whole course's length
    "op-q1227": {Source.NEJM, Source.SUM_MX},  # 0.5-1 mg/kg, of which 0.75 is one choice
    "op-q1304": {Source.NEJM, Source.SUM_MX},  # 12 weeks: delayed by one threshold only
    "op-q1312": {Source.NEJM, Source.MSD, Source.SUM_DX, Source.SUM_MX},  # relapse rates
}
"""Questions that teach a disagreement between sources, with the sources each must cite."""
THEME_QUIZZES = (
    "op-diagnosis-imaging",
    "op-histology-bal",
    "op-treatment-dosing",
    "op-relapse-prognosis",
    "op-secondary-mimics",
)


@pytest.fixture
def bank():
    shipped_bank_load()
    return list(
        Question.objects.filter(status=Question.Status.READY).prefetch_related("choices", "topics")
    )


def checked(question: Question) -> list[item_writing.CheckedOption]:
    return [item_writing.CheckedOption(c.text, c.is_correct) for c in question.choices.all()]


def test_the_bank_has_enough_ready_questions(bank):
    assert len(bank) >= MIN_QUESTIONS


def test_most_questions_are_built_on_a_clinical_vignette(bank):
    with_vignette = [
        question
        for question in bank
        if item_writing.has_vignette(question.stem, [c.text for c in question.choices.all()])
    ]

    assert len(with_vignette) / len(bank) >= MIN_VIGNETTE_SHARE


def test_the_key_is_the_longest_option_in_at_most_a_third_of_single_best_answer_items(bank):
    singles = [question for question in bank if question.kind == Question.Kind.SINGLE]
    key_longest = [q for q in singles if item_writing.key_is_longest(checked(q))]

    assert len(key_longest) / len(singles) <= MAX_KEY_LONGEST_SHARE


def test_every_topic_has_questions(bank):
    covered = {topic.pk for question in bank for topic in question.topics.all()}

    for topic in Topic.objects.all():
        assert covered & {topic.pk, *topic.children.values_list("pk", flat=True)}, topic.slug


def test_every_option_is_explained_with_a_source_the_question_cites(bank):
    for question in bank:
        cited = set(question.reference_list())
        assert cited, question.pk
        assert cited <= set(CITATIONS.values()), question.pk
        for choice in question.choices.all():
            labels = LABEL.findall(choice.explanation)
            assert labels, (question.pk, choice.text)
            assert {CITATIONS[Source(label)] for label in labels} <= cited, (question.pk, labels)


def test_every_question_has_the_right_number_of_keys(bank):
    for question in bank:
        right = [choice for choice in question.choices.all() if choice.is_correct]
        expected_right = len(right) if question.kind == Question.Kind.MULTIPLE else 1
        assert len(right) == expected_right >= 1, question.pk


def test_no_item_writing_warning_is_left_in_the_bank(bank):
    assert {q.pk: [w.code for w in q.item_writing_warnings()] for q in bank} == {
        q.pk: [] for q in bank
    }


def test_where_the_sources_disagree_the_question_cites_each_side(bank):
    current = {question.family: question for question in bank}

    for family, sources in DISAGREEMENTS.items():
        expected = {CITATIONS[source] for source in sources}
        assert expected <= set(current[family].reference_list()), family


def test_the_first_29_questions_keep_their_keys_and_answers_stay_with_version_1(bank):
    originals = Question.objects.filter(pk__lte=29)

    assert originals.count() == 29
    for original in originals:
        if original.status == Question.Status.RETIRED:
            assert original.next_version.status == Question.Status.READY, original.pk
            assert original.next_version.family == original.family == f"op-q{original.pk}"


def test_topics_are_nested(bank):
    assert str(Topic.objects.get(slug="imaging")) == "Diagnosis > Imaging"


def test_one_tutor_quiz_and_one_timed_exam_are_published(bank):
    tutor = Quiz.objects.get(slug="op-essentials-tutor")
    exam = Quiz.objects.get(slug="op-exam")

    assert (tutor.mode, tutor.is_timed, tutor.is_published) == ("tutor", False, True)
    assert (exam.mode, exam.time_limit_minutes, exam.is_published) == ("exam", 20, True)
    assert tutor.questions.filter(status=Question.Status.READY).count() >= 10
    assert exam.questions.filter(status=Question.Status.READY).count() >= 10


def test_a_course_has_five_theme_quizzes_a_timed_mixed_exam_and_a_drawn_practice(bank):
    themes = Quiz.objects.filter(slug__in=THEME_QUIZZES, is_published=True, mode="tutor")
    exam = Quiz.objects.get(slug="op-course-exam")
    practice = Quiz.objects.get(slug="op-practice-draw")

    assert themes.count() == len(THEME_QUIZZES)
    for quiz in themes:
        assert quiz.questions.filter(status=Question.Status.READY).count() >= 15, quiz.slug
    assert (exam.mode, exam.time_limit_minutes, exam.is_published) == ("exam", 60, True)
    exam_topics = {t.parent_id or t.pk for q in exam.questions.all() for t in q.topics.all()}
    assert exam_topics == set(Topic.objects.filter(parent=None).values_list("pk", flat=True))
    assert (practice.selection, practice.draw_count, practice.is_published) == ("drawn", 20, True)


def test_loading_the_bank_again_updates_rather_than_duplicates(bank):
    counts = (Question.objects.count(), Choice.objects.count(), Quiz.objects.count())

    shipped_bank_load()

    assert (Question.objects.count(), Choice.objects.count(), Quiz.objects.count()) == counts
