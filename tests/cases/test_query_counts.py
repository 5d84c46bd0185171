"""Each page's query count, stated and checked at two data sizes: it must not grow.

Counts include the session and user lookups of an authenticated request (2 queries).
"""

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Stage
from tests.cases.conftest import finish, play_to

pytestmark = pytest.mark.django_db

ALL_TESTS = [
    "pulse-oximetry",
    "arterial-blood-gas",
    "full-blood-count",
    "liver-panel",
    "blood-cultures",
    "sputum-culture",
    "urinary-antigens",
    "anca",
    "spirometry-dlco",
    "chest-radiograph",
    "transbronchial-biopsy",
    "surgical-lung-biopsy",
]
PAGE_QUERIES = {
    "presentation": 4,
    "workup": 4,
    "interpretation": 5,
    "diagnosis": 4,
    "plan": 4,
    "outcome": 5,  # its timeline is read once, for the course kept rendered and its last day
    "debrief": 7,  # with its engine results, orders and interpretation answers, explained there
}
KEPT_RENDERED_QUERIES = 4
"""A reload of the outcome or debrief: session, user, attempt (without its engine results)
and plans; the course, charts, cohort and the outcome's last day come from the cache."""
LIST_QUERIES = 4
DETAIL_QUERIES = 4


def without_csrf_tokens(page: str) -> str:
    """A page without its CSRF token values, which are masked afresh on every response."""
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", page)


def grow(attempt, learner, shipped_case):
    """More of everything: extra attempts, every test ordered, every question answered."""
    for _ in range(2):
        finish(play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME))
    return attempt


@pytest.fixture(params=["small", "large"])
def sized(request, attempt, learner, shipped_case):
    if request.param == "large":
        grow(attempt, learner, shipped_case)
    return request.param


def _reach(attempt, stage, sized):
    if sized == "large":
        services.history_ask(attempt=attempt, item_key="onset")
    play_to(attempt, Stage.WORKUP)
    if sized == "large":
        services.test_order(attempt=attempt, investigation_keys=ALL_TESTS)
        services.clock_advance(attempt=attempt, hours=72)
        services.clock_advance(attempt=attempt, hours=72)
        services.clock_advance(attempt=attempt, hours=72)
    if stage == Stage.DEBRIEF:
        return finish(play_to(attempt, Stage.OUTCOME))
    return play_to(attempt, stage)


@pytest.mark.parametrize("page", PAGE_QUERIES)
def test_player_pages_have_a_fixed_query_count(
    page, sized, attempt, learner, learner_client, django_assert_num_queries
):
    stage = Stage(page)
    if stage == Stage.PRESENTATION and sized == "large":
        for item in ("onset", "smoking", "family"):
            services.history_ask(attempt=attempt, item_key=item)
    elif stage != Stage.PRESENTATION:
        _reach(attempt, stage, sized)
    url = reverse(f"cases:{page}", args=[attempt.pk])

    with django_assert_num_queries(PAGE_QUERIES[page]):
        response = learner_client.get(url)

    assert response.status_code == 200
    if stage in (Stage.OUTCOME, Stage.DEBRIEF):
        with django_assert_num_queries(KEPT_RENDERED_QUERIES):
            again = learner_client.get(url)
        assert without_csrf_tokens(again.text) == without_csrf_tokens(response.text)


def test_the_case_list_and_detail_have_a_fixed_query_count(
    sized, learner_client, django_assert_num_queries
):
    with django_assert_num_queries(LIST_QUERIES):
        learner_client.get(reverse("cases:list"))
    with django_assert_num_queries(DETAIL_QUERIES):
        learner_client.get(reverse("cases:detail", args=["cough-after-antibiotics"]))
