"""schemathesis over the whole REST API: every response documented, none a server error.

A learner with a token and attempts at every stage of the shipped case and of a quiz is
the caller; generated path ids are mapped onto those attempts most of the time, so the
requests reach live state (and so the services' refusals) rather than only 404s. The
examples are bounded (``FUZZ_EXAMPLES``) so the run stays within a minute or two.
"""

from __future__ import annotations

import os
from http import HTTPStatus

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases import services as case_services
from cases.models import Stage
from edu_site.wsgi import application
from quizzes import services as quiz_services
from tests.cases.conftest import finish, play_to

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
"""Per operation and per mode (valid and invalid data): about 550 requests in all."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ID_PARAMETERS = ("pk", "attempt_id")


@pytest.fixture
def connection_kept_open():
    """schemathesis calls the WSGI app directly, whose request signals would close the
    database connection, and with it the test's transaction, after each request; Django's
    own test client disconnects them the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def live_learner(shipped_case, learner, two_question_quiz, another_quiz):
    """A learner with a token, a case attempt at every stage, and quiz attempts open and
    closed; returns the token and the ids and slugs a request may name."""
    case_ids = []
    for stage in (Stage.PRESENTATION, Stage.WORKUP, Stage.INTERPRETATION, Stage.PLAN):
        attempt = case_services.attempt_start(user=learner, case=shipped_case)
        play_to(attempt, stage)
        case_ids.append(attempt.pk)
    outcome = play_to(case_services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    debrief = finish(
        play_to(case_services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    )
    case_ids += [outcome.pk, debrief.pk]
    closed = quiz_services.attempt_start(user=learner, quiz=another_quiz)
    quiz_services.attempt_finish(attempt=closed)
    open_attempt = quiz_services.attempt_start(user=learner, quiz=two_question_quiz)
    return {
        "token": Token.objects.create(user=learner).key,
        "ids": [*case_ids, open_attempt.pk, closed.pk],
        "slugs": [shipped_case.slug, two_question_quiz.slug],
    }


def test_every_api_response_is_documented_and_none_is_a_server_error(
    live_learner, connection_kept_open
):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Token {live_learner['token']}"}
    seen: list[tuple[str, int]] = []

    def live_ids(case: schemathesis.Case, live: int) -> None:
        """Point most generated ids and slugs at the learner's attempts, quizzes and case."""
        parameters = case.path_parameters or {}
        for name in ID_PARAMETERS:
            if name in parameters and live < 8:
                parameters[name] = live_learner["ids"][live % len(live_learner["ids"])]
        if "slug" in parameters and live < 6:
            parameters["slug"] = live_learner["slugs"][live % 2]

    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode), live=st.integers(0, 9))
            def call(case: schemathesis.Case, live: int) -> None:
                live_ids(case, live)
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                seen.append((case.operation.label, response.status_code))

            try:
                call()
            except Unsatisfiable:
                # Only negative mode ends here: an operation without input has no bad input.
                assert mode is schemathesis.GenerationMode.NEGATIVE

    print(f"schemathesis generated {len(seen)} cases over {len(operations)} operations")
    assert {label for label, _ in seen} == {operation.label for operation in operations}
    assert sum(status == HTTPStatus.OK for _, status in seen) > len(operations)
