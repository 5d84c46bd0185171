"""References: the five sources ship in the catalog, a case may own others, and learners see
each fact's citation, linked when its reference has a link."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from cases import services
from cases.content import CaseContent
from cases.models import CaseReference, Reference, Stage
from cases.simulation import CITATIONS
from tests.cases.conftest import finish, play_to

pytestmark = pytest.mark.django_db


def test_the_five_sources_ship_as_catalog_references():
    catalog = dict(Reference.objects.filter(case=None).values_list("key", "citation"))

    assert {key: catalog[key] for key in CITATIONS} == {
        key.value: citation for key, citation in CITATIONS.items()
    }


def test_a_fact_cites_a_reference_by_the_key_it_always_stored(shipped_case):
    result = shipped_case.results.get(investigation__key="hrct-chest")

    assert result.source_id == "NEJM"
    assert result.source.citation == "King & Lee, N Engl J Med 2022"


def test_the_snapshot_keeps_the_citation_and_link_of_every_reference_it_cites(shipped_case):
    label = Reference.objects.create(
        key="cough-after-antibiotics-label",
        citation="Prednisone tablets: product label",
        link="https://example.org/label",
        case=shipped_case,
    )
    CaseReference.objects.create(case=shipped_case, source=label, explanation="Dosing.")

    version = services.case_publish(case=shipped_case)
    label.citation = "Edited after publishing"
    label.save()

    content = CaseContent(version.snapshot)
    label_citation = "Prednisone tablets: product label"
    assert content.cited("cough-after-antibiotics-label") == {
        "citation": "Prednisone tablets: product label",
        "link": "https://example.org/label",
    }
    [own] = [r for r in content.references if r["source"] == "cough-after-antibiotics-label"]
    assert (own["citation"], own["link"]) == (label_citation, "https://example.org/label")


def test_a_version_frozen_before_references_cites_the_five_sources(shipped_case):
    snapshot = services.case_version_current(case=shipped_case).snapshot
    del snapshot["sources"]

    assert CaseContent(snapshot).cited("SUM-MX") == {
        "citation": "Clinical summary: management of COP (2025)",
        "link": "",
    }


def test_the_debrief_links_a_citation_whose_reference_has_a_link(learner_client, attempt):
    Reference.objects.filter(key="NEJM").update(link="https://example.org/nejm")
    case = attempt.case
    attempt.case_version = services.case_publish(case=case)
    attempt.save(update_fields=["case_version"])
    finish(play_to(attempt, Stage.OUTCOME))

    response = learner_client.get(reverse("cases:debrief", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert (
        '<a href="https://example.org/nejm" rel="noreferrer">King &amp; Lee, N Engl J Med 2022</a>'
        in response.text
    )
