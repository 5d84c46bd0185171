"""The OpenAPI description that API clients are generated from."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))

    assert "/api/cases/" in schema.read_text()


def test_the_schema_describes_both_apps(learner_client):
    response = learner_client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == HTTPStatus.OK
    paths = response.json()["paths"]
    assert any(path.startswith("/api/cases/") for path in paths)
    assert any(path.startswith("/api/quizzes/") for path in paths)
