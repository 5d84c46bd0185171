"""Bad input is a 400 with a message per input, never a 500, at every door."""

import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from edu_site.parsers import MAX_BODY_BYTES, MAX_BODY_DEPTH
from quizzes import services
from quizzes.models import Response
from tests.quizzes.conftest import choice_ids, response_at

pytestmark = pytest.mark.django_db

HUGE_ID = 10**30


@pytest.fixture
def open_attempt(learner, two_question_quiz):
    return services.attempt_start(user=learner, quiz=two_question_quiz)


def answer_form(attempt, **overrides):
    first = response_at(attempt, 1)
    form = {
        "question": str(first.question_id),
        "choice": [str(choice_ids(first, correct=True)[0])],
        "version": "0",
        "position": "1",
    }
    return {**form, **overrides}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", "--1"),
        ("question", "²"),
        ("question", str(HUGE_ID)),
        ("choice", ["1", "--1"]),
        ("choice", ["٣"]),
        ("version", "1e3"),
        ("shown_at", "2026-02-30T10:00:00+00:00"),
        ("shown_at", "2026-03-01T10:00:00"),
    ],
)
def test_a_malformed_answer_form_is_refused_with_400_and_saves_nothing(
    learner_client, open_attempt, field, value
):
    url = reverse("quizzes:answer", args=[open_attempt.pk])

    response = learner_client.post(
        url, answer_form(open_attempt, **{field: value}), headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.text
    assert not Response.objects.filter(attempt=open_attempt, answered_at__isnull=False).exists()


def test_an_aware_shown_at_is_accepted(learner_client, open_attempt):
    url = reverse("quizzes:answer", args=[open_attempt.pk])
    form = answer_form(open_attempt, shown_at="2026-03-01T10:00:00+00:00")

    assert learner_client.post(url, form).status_code == HTTPStatus.FOUND
    assert Response.objects.filter(attempt=open_attempt, answered_at__isnull=False).exists()


@pytest.mark.parametrize("name", ["quizzes:attempt", "quizzes:results", "quizzes-api:attempt"])
def test_a_30_digit_id_in_a_url_is_not_found_not_a_server_error(learner_client, name):
    url = reverse(name, args=[1]).replace("/1/", f"/{HUGE_ID}/")

    response = learner_client.get(url)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_30_digit_id_in_an_api_body_is_a_bad_request(learner_client, open_attempt):
    url = reverse("quizzes-api:answer", args=[open_attempt.pk])
    body = {"question": HUGE_ID, "choices": [HUGE_ID], "version": HUGE_ID}

    response = learner_client.post(url, body, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["fields"]) == {"question", "choices.0", "version"}


def test_a_body_nested_5000_deep_is_a_bad_request_before_parsing(learner_client, open_attempt):
    url = reverse("quizzes-api:answer", args=[open_attempt.pk])
    deep = "[" * 5000 + "]" * 5000

    response = learner_client.post(url, deep, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "parse_error"
    assert f"deeper than {MAX_BODY_DEPTH}" in response.json()["detail"]


def test_a_body_above_the_size_limit_is_a_bad_request(learner_client, open_attempt):
    url = reverse("quizzes-api:answer", args=[open_attempt.pk])
    big = json.dumps({"question": 1, "choices": [1], "version": 0, "pad": "x" * MAX_BODY_BYTES})

    response = learner_client.post(url, big, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f"larger than {MAX_BODY_BYTES}" in response.json()["detail"]


def test_brackets_inside_strings_do_not_count_as_depth(learner_client, shipped_case):
    url = reverse("cases-api:start", args=[shipped_case.slug])

    response = learner_client.post(url, {"note": "[[[[[[[[[[[[[["}, content_type="application/json")

    assert response.status_code == HTTPStatus.CREATED


def test_a_refusal_names_each_input_it_is_about(learner_client, open_attempt):
    url = reverse("quizzes-api:answer", args=[open_attempt.pk])

    response = learner_client.post(url, {"choices": []}, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"question", "choices", "version"}
