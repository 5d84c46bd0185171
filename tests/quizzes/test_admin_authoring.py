"""Educators author questions in admin: the bank's rules, versions, and quizzes they keep."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import bank, services
from quizzes.models import Choice, Question, Quiz, Response, ReviewCard
from tests.factories import QuestionFactory, QuizFactory, TopicFactory, UserFactory
from tests.quizzes.conftest import hand_in_first_answer

pytestmark = pytest.mark.django_db


def question_form(question: Question | None, options: list[tuple[str, bool, str]], **fields):
    """The POST an educator's browser sends from the question's change form."""
    topic = question.topics.first() if question else None
    data = {
        "kind": "single",
        "stem": question.stem if question else "Which finding fits organizing pneumonia best?",
        "explanation": "Because the sources say so.",
        "learning_objective": "",
        "references": "King & Lee, N Engl J Med 2022",
        "difficulty": 2,
        "topics": [(topic or TopicFactory()).pk],
        "status": "ready",
        "image_alt": "",
        "choices-TOTAL_FORMS": len(options),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        **fields,
    }
    existing = list(question.choices.order_by("order")) if question else []
    data["choices-INITIAL_FORMS"] = len(existing)
    for index, (text, right, why) in enumerate(options):
        data.update(
            {
                f"choices-{index}-text": text,
                f"choices-{index}-explanation": why,
                f"choices-{index}-order": index + 1,
                f"choices-{index}-question": question.pk if question else "",
            }
        )
        if right:
            data[f"choices-{index}-is_correct"] = "on"
        if index < len(existing):
            data[f"choices-{index}-id"] = existing[index].pk
    return data


def options_of(question: Question) -> list[tuple[str, bool, str]]:
    return [(c.text, c.is_correct, c.explanation) for c in question.choices.order_by("order")]


def test_a_multiple_response_question_without_a_right_option_is_refused(educator_client):
    data = question_form(None, [("A", False, "Why A."), ("B", False, "")], kind="multiple")
    data["references"] = ""

    page = educator_client.post(reverse("admin:quizzes_question_add"), data)

    content = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "needs at least one correct option" in content
    assert "Explain every option, right or wrong: option 2 has no explanation." in content
    assert "Give at least one reference, one a line." in content
    assert not Question.objects.exists()


def test_a_true_false_question_with_three_options_is_refused(educator_client):
    options = [("True", True, "Why."), ("False", True, "Why."), ("Maybe", False, "Why.")]
    data = question_form(None, options, kind="true_false")

    page = educator_client.post(reverse("admin:quizzes_question_add"), data)

    assert "exactly two options, True and False" in page.content.decode()
    assert not Question.objects.exists()


def test_a_valid_question_is_saved_with_its_options(educator_client):
    options = [("Right", True, "Why."), ("Wrong", False, "Why."), ("Also wrong", False, "Why.")]

    page = educator_client.post(reverse("admin:quizzes_question_add"), question_form(None, options))

    assert page.status_code == HTTPStatus.FOUND
    assert Question.objects.get().choices.count() == 3


def test_editing_an_unanswered_question_changes_it_in_place(educator_client):
    question = QuestionFactory()
    url = reverse("admin:quizzes_question_change", args=[question.pk])

    educator_client.post(url, question_form(question, options_of(question), stem="New stem?"))

    question.refresh_from_db()
    assert (question.stem, question.version, Question.objects.count()) == ("New stem?", 1, 1)


def test_editing_an_answered_question_makes_a_new_version(educator_client, learner):
    question = QuestionFactory(stem="Old stem?")
    quiz = QuizFactory(questions=[question])
    attempt = hand_in_first_answer(learner, quiz, right=True)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    options = options_of(question)
    options[0] = ("Reworded right option", True, "Why.")

    page = educator_client.post(
        url, question_form(question, options, stem="New stem?"), follow=True
    )

    new = Question.objects.get(previous_version=question)
    question.refresh_from_db()
    shown = Response.objects.get(attempt=attempt)
    assert "saved as version 2; their attempts keep version 1" in page.content.decode()
    assert (new.stem, new.version, new.family, new.status) == (
        "New stem?",
        2,
        question.family,
        "ready",
    )
    assert (question.stem, question.status) == ("Old stem?", "retired")
    assert shown.question_id == question.pk
    assert set(Choice.objects.filter(pk__in=shown.choice_order).values_list("text", flat=True)) == {
        "Option 1",
        "Option 2",
        "Option 3",
        "Option 4",
    }
    assert list(quiz.questions.all()) == [new]
    assert new.choices.order_by("order")[0].text == "Reworded right option"


def test_results_name_the_version_the_attempt_showed(educator_client, learner_client, learner):
    question = QuestionFactory(stem="Old stem?")
    attempt = hand_in_first_answer(learner, QuizFactory(questions=[question]), right=True)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    educator_client.post(url, question_form(question, options_of(question), stem="New stem?"))

    page = learner_client.get(reverse("quizzes:results", args=[attempt.pk])).content.decode()

    assert "Old stem?" in page
    assert f"Question #{question.pk}, version 1 · marks" in page


def test_changing_only_the_status_of_an_answered_question_makes_no_version(
    educator_client, learner
):
    question = QuestionFactory()
    hand_in_first_answer(learner, QuizFactory(questions=[question]), right=True)
    url = reverse("admin:quizzes_question_change", args=[question.pk])

    educator_client.post(url, question_form(question, options_of(question), status="retired"))

    question.refresh_from_db()
    assert (question.status, Question.objects.count()) == ("retired", 1)


def test_a_replaced_version_is_shown_read_only(educator_client, learner):
    question = QuestionFactory()
    hand_in_first_answer(learner, QuizFactory(questions=[question]), right=True)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    educator_client.post(url, question_form(question, options_of(question), stem="New stem?"))

    page = educator_client.get(url).content.decode()

    assert 'name="stem"' not in page
    assert 'name="choices-0-text"' not in page


def test_only_ready_questions_enter_an_attempt_a_draw_or_practice(learner):
    ready, draft = QuestionFactory(), QuestionFactory(status="draft")
    topic = TopicFactory()
    for question in (ready, draft, QuestionFactory(status="retired")):
        question.topics.add(topic)
    fixed = QuizFactory(questions=[ready, draft])
    drawn = QuizFactory(selection="drawn", draw_count=5)

    attempt = services.attempt_start(user=learner, quiz=fixed)
    drawn_attempt = services.attempt_start(user=learner, quiz=drawn)
    practice = services.practice_quiz_create(
        user=learner, topic_ids=[topic.pk], count=5, pool="all"
    )

    assert [r.question_id for r in attempt.responses.all()] == [ready.pk]
    assert [r.question_id for r in drawn_attempt.responses.all()] == [ready.pk]
    assert list(practice.questions.all()) == [ready]


def test_a_draft_question_cannot_join_a_quiz_in_admin(educator_client):
    quiz = QuizFactory()
    draft = QuestionFactory(status="draft")
    data = {
        "title": quiz.title,
        "slug": quiz.slug,
        "mode": "tutor",
        "selection": "fixed",
        "attempts_allowed": 0,
        "pass_mark_percent": 60,
        "review_shows": "everything",
        "is_published": "on",
        "quiz_questions-TOTAL_FORMS": 1,
        "quiz_questions-INITIAL_FORMS": 0,
        "quiz_questions-MIN_NUM_FORMS": 0,
        "quiz_questions-MAX_NUM_FORMS": 1000,
        "quiz_questions-0-question": draft.pk,
        "quiz_questions-0-order": 1,
    }

    page = educator_client.post(reverse("admin:quizzes_quiz_change", args=[quiz.pk]), data)

    assert "is draft: only ready questions can join a quiz" in page.content.decode()
    assert not quiz.questions.exists()


def test_the_quiz_form_has_no_owner_and_lists_no_learner_sessions(educator_client, learner):
    QuizFactory(title="Shared quiz")
    QuestionFactory()
    services.practice_quiz_create(user=learner, topic_ids=[], count=1, pool="all")

    form = educator_client.get(reverse("admin:quizzes_quiz_add")).content.decode()
    listing = educator_client.get(reverse("admin:quizzes_quiz_changelist")).content.decode()

    assert 'name="owner"' not in form
    assert "Shared quiz" in listing
    assert "Custom practice" not in listing
    assert Quiz.objects.filter(owner=learner).count() == 1


def test_practice_pools_know_a_question_answered_or_flagged_at_an_earlier_version(
    educator_client, learner
):
    question = QuestionFactory()
    attempt = hand_in_first_answer(learner, QuizFactory(questions=[question]), right=False)
    Response.objects.filter(attempt=attempt).update(flagged=True)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    educator_client.post(url, question_form(question, options_of(question), stem="Reworded?"))
    new = Question.objects.get(previous_version=question)

    flagged = services.practice_quiz_create(user=learner, topic_ids=[], count=5, pool="flagged")
    wrong = services.practice_quiz_create(user=learner, topic_ids=[], count=5, pool="wrong")

    assert list(flagged.questions.all()) == list(wrong.questions.all()) == [new]
    with pytest.raises(services.QuizError, match="No questions match"):
        services.practice_quiz_create(user=learner, topic_ids=[], count=5, pool="unused")


def test_a_version_added_by_a_fixture_takes_over_quizzes_and_cards_but_never_doubles_one(learner):
    first = QuestionFactory(family="op-q7")
    second = QuestionFactory(family="op-q7", version=2, previous_version=first)
    other = UserFactory()
    moving = ReviewCard.objects.create(user=learner, question=first, due=timezone.now())
    ReviewCard.objects.create(user=other, question=first, due=timezone.now())
    ReviewCard.objects.create(user=other, question=second, due=timezone.now())
    quiz = QuizFactory(questions=[first])

    assert bank.superseded_versions_forward() == 2

    moving.refresh_from_db()
    assert moving.question == second
    assert list(quiz.questions.all()) == [second]
    assert ReviewCard.objects.filter(user=other).count() == 2
    assert bank.superseded_versions_forward() == 0
