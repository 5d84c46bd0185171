"""Educators bring banks in and out, preview questions and read the item-writing report."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Question
from tests.factories import QuestionFactory
from tests.quizzes.test_exchange import BILLION_LAUGHS, GIFT, MOODLE_XML

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, data: bytes, **fields):
    return client.post(
        reverse("admin:quizzes_question_import"),
        {"file": SimpleUploadedFile("bank.xml", data), "format": "", **fields},
    )


def test_an_uploaded_moodle_file_is_imported_and_reported(educator_client):
    page = upload(educator_client, MOODLE_XML).content.decode()

    assert "imported 4, skipped 1, refused 1" in page
    assert "refused: No key: A single-best-answer question has exactly one correct option" in page
    assert Question.objects.filter(status="draft").count() == 4


def test_a_dry_run_upload_saves_nothing(educator_client):
    page = upload(educator_client, GIFT.encode(), dry_run="on").content.decode()

    assert "Dry run: nothing was saved" in page
    assert "would import 3, skipped 1, refused 0" in page
    assert not Question.objects.exists()


def test_a_hostile_upload_is_refused_with_a_message(educator_client):
    page = upload(educator_client, BILLION_LAUGHS).content.decode()

    assert "declares a DTD or entities" in page
    assert not Question.objects.exists()


def test_a_learner_cannot_reach_the_import_page(learner_client):
    response = learner_client.get(reverse("admin:quizzes_question_import"))

    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]


def test_the_export_downloads_a_moodle_file(educator_client):
    question = QuestionFactory(stem="Exported stem?")

    response = educator_client.get(
        reverse("admin:quizzes_question_export"), {"format": "moodle-xml"}
    )

    body = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="question-bank.xml"'
    assert "Exported stem?" in body
    assert f"<idnumber>{question.family}</idnumber>" in body


def test_the_change_form_shows_the_item_writing_checks_and_a_preview_link(educator_client):
    question = QuestionFactory(stem="Organizing pneumonia and its signs.")

    page = educator_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))

    content = page.content.decode()
    assert "Stem is not a question" in content
    assert reverse("admin:quizzes_question_preview", args=[question.pk]) in content


def test_the_bank_report_counts_each_check(educator_client):
    QuestionFactory(stem="Organizing pneumonia and its signs.", difficulty=1)
    QuestionFactory(stem="Which sign?", difficulty=1)

    page = educator_client.get(reverse("admin:quizzes_question_report")).content.decode()

    assert "2 questions checked (every question not retired), 1 with at least one warning" in page


def test_the_preview_shows_the_question_as_a_learner_and_checks_an_answer(educator_client):
    question = QuestionFactory(kind="multiple", choices__correct=2, choices__wrong=2)
    url = reverse("admin:quizzes_question_preview", args=[question.pk])
    first = question.choices.order_by("order").first()

    shown = educator_client.get(url).content.decode()
    checked = educator_client.get(url, {"choice": [first.pk]}).content.decode()

    assert "Tick every answer that is correct." in shown
    assert "Why option 1 is right." not in shown
    assert "Partly right." in checked
    assert "Why option 1 is right." in checked


def test_question_text_keeps_inline_tags_and_never_runs_markup(educator_client):
    question = QuestionFactory(stem="Is <b>this</b> safe? <script>alert(1)</script>")

    page = educator_client.get(reverse("admin:quizzes_question_preview", args=[question.pk]))

    content = page.content.decode()
    assert "Is <b>this</b> safe?" in content
    assert "alert(1)" not in content
