"""The case admin's export, duplicate and import, as an educator uses them."""

import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import admin_exchange
from cases.exchange import case_export, case_import
from cases.models import Case

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:cases_case_changelist"
IMPORT = "admin:cases_case_import"


def upload(data: object, name: str = "case.json") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_the_export_action_downloads_the_case_as_one_json_file(educator_client, shipped_case):
    response = educator_client.post(
        reverse(CHANGELIST), {"action": "export_cases", "_selected_action": [shipped_case.pk]}
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == (
        'attachment; filename="cough-after-antibiotics.json"'
    )
    assert json.loads(response.content) == case_export(shipped_case)


def test_the_duplicate_action_makes_a_draft_copy_in_one_step(educator_client, shipped_case):
    response = educator_client.post(
        reverse(CHANGELIST),
        {"action": "duplicate_cases", "_selected_action": [shipped_case.pk]},
        follow=True,
    )

    assert "duplicated as the draft &#x27;cough-after-antibiotics-copy&#x27;" in response.text
    copy = Case.objects.get(slug="cough-after-antibiotics-copy")
    assert (copy.status, copy.version) == (Case.Status.DRAFT, 1)
    assert copy.results.count() == shipped_case.results.count()


def test_the_import_page_imports_a_file_as_a_draft(educator_client, shipped_case):
    response = educator_client.post(
        reverse(IMPORT), {"file": upload(case_export(shipped_case)), "slug": "imported"}
    )

    case = Case.objects.get(slug="imported")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:cases_case_change", args=[case.pk])
    assert case.status == Case.Status.DRAFT


def test_the_import_page_lists_every_problem_and_imports_nothing(educator_client, shipped_case):
    data = case_export(shipped_case)
    data["therapies"] = []
    data["diagnoses"] = []

    response = educator_client.post(reverse(IMPORT), {"file": upload(data), "slug": "broken"})

    assert response.status_code == HTTPStatus.OK
    assert "Nothing was imported: 3 problems" in response.text
    assert "Give one diagnosis the role" in response.text
    assert not Case.objects.filter(slug="broken").exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(b"<case/>"), "It is not JSON"),
        (upload(b"{}", name="case.xml"), "Choose a .json file"),
        (upload({"format": "op-virtual-patient-case", "format_version": 9}), "format version 9"),
        (upload({"format": "moodle"}), "Unknown format &#x27;moodle&#x27;"),
    ],
)
def test_the_import_page_refuses_what_is_not_a_case_file(educator_client, file, message):
    response = educator_client.post(reverse(IMPORT), {"file": file})

    assert message in response.text
    assert not Case.objects.exists()


def test_the_import_page_refuses_a_file_over_the_limit(educator_client, monkeypatch):
    monkeypatch.setattr(admin_exchange, "IMPORT_MAX_BYTES", 1024 * 1024)

    response = educator_client.post(reverse(IMPORT), {"file": upload(b" " * (1024 * 1024 + 1))})

    assert "larger than 1 MB; nothing was imported" in response.text


def test_a_learner_cannot_open_the_import_page(learner_client):
    response = learner_client.get(reverse(IMPORT))

    assert response.status_code == HTTPStatus.FOUND
    assert "/login/" in response["Location"]


def test_html_in_an_imported_case_stays_escaped_for_learners(client, shipped_case, learner):
    data = case_export(shipped_case)
    data["case"]["summary"] = "A cough. <script>alert(1)</script>"
    case_import(data, slug="escaped", publish=True)
    client.force_login(learner)

    response = client.get(reverse("cases:detail", args=["escaped"]))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text
