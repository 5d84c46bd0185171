"""The outcome and debrief keep their rendered course, and never show one from before."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases import plans, selectors, services, views
from cases.models import Stage
from edu_site.release import source_digest
from tests.cases.conftest import RETREATMENT, finish, play_to, relapsing_seed
from tests.cases.test_query_counts import without_csrf_tokens

pytestmark = pytest.mark.django_db


def course(page: str) -> str:
    """The course section of the outcome page: its charts and events."""
    found = re.search(r'<section aria-labelledby="course-heading">.*?</section>', page, re.S)
    assert found is not None
    return found[0]


def outcome_now(client, attempt) -> str:
    return course(client.get(reverse("cases:outcome", args=[attempt.pk])).text)


def outcome_rendered_afresh(client, attempt) -> str:
    cache.clear()
    return outcome_now(client, attempt)


def test_each_revision_and_each_decision_shows_its_own_course(
    learner_client, learner, shipped_case, monkeypatch
):
    seed = relapsing_seed(shipped_case)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    assert attempt.decision_event is not None
    first = outcome_now(learner_client, attempt)

    services.plan_revise(attempt=attempt, plan_input=RETREATMENT)
    revised = outcome_now(learner_client, attempt)

    assert revised != first
    assert revised == outcome_rendered_afresh(learner_client, attempt)
    if attempt.decision_event is not None:
        services.outcome_continue(attempt=attempt)
        assert outcome_now(learner_client, attempt) == outcome_rendered_afresh(
            learner_client, attempt
        )


def test_a_debrief_reload_matches_a_fresh_rendering(learner_client, attempt):
    finish(play_to(attempt, Stage.OUTCOME))
    url = reverse("cases:debrief", args=[attempt.pk])
    learner_client.get(url)
    kept = learner_client.get(url).text
    cache.clear()
    afresh = learner_client.get(url).text

    assert "The same patient under the recommended plan" in kept
    assert without_csrf_tokens(kept) == without_csrf_tokens(afresh)


def test_the_kept_course_is_keyed_by_revision_decision_and_code(attempt):
    play_to(attempt, Stage.OUTCOME)
    first = selectors.course_key(attempt, plans=1)

    assert selectors.course_key(attempt, plans=2) != first
    assert source_digest() in first
    attempt.decision_event = (attempt.decision_event or 0) + 1
    assert selectors.course_key(attempt, plans=1) != first


def test_an_outcome_reload_builds_neither_the_dose_table_nor_the_plans_again(
    learner_client, learner, shipped_case, monkeypatch
):
    """The page a learner reloads while deciding is the same page, read from what was kept."""
    seed = relapsing_seed(shipped_case)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    url = reverse("cases:outcome", args=[attempt.pk])
    learner_client.get(url)
    rebuilt = []
    with monkeypatch.context() as patched:
        patched.setattr(plans, "dose_table", lambda **kwargs: rebuilt.append(kwargs))
        patched.setattr(views, "_plans_shown", lambda *args: rebuilt.append(args))
        kept = learner_client.get(url).text
    cache.clear()
    afresh = learner_client.get(url).text

    assert rebuilt == []
    assert "Doses in milligrams for this patient" in kept
    assert "First plan" in kept
    assert without_csrf_tokens(kept) == without_csrf_tokens(afresh)
