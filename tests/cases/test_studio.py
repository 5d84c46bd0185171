"""The authoring studio around the case page: the live checklist, unpublished changes, the
simulation preview, preview attempts, abandoning, and educators reading any attempt."""

import json
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import selectors, services, studio
from cases.analytics import finished_attempts
from cases.models import Attempt, Case, CaseVersion, ManagementRule, Stage
from tests.cases.admin_page import form_data
from tests.cases.conftest import play_to
from tests.factories import (
    CaseFactory,
    CaseResultFactory,
    InterpretationQuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def change_url(case: Case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def checklist_url(case: Case) -> str:
    return reverse("admin:cases_case_checklist", args=[case.pk])


def simulation_url(case: Case) -> str:
    return reverse("admin:cases_case_simulation", args=[case.pk])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the checklist and the changes on the case page ---------------------------------------------


def test_the_case_page_lists_every_checklist_problem_naming_row_and_field(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    InterpretationQuestionFactory(key="q-empty", result=case.results.first(), options=[])
    ManagementRule.objects.create(
        case=case, kind="daily_mg_at_most", weight=1, explanation="x", source_id="NEJM"
    )

    page = educator_client.get(change_url(case)).text

    assert "2 problems keep the case from being published" in page
    assert "Question &#x27;q-empty&#x27;, options: Give the question its options." in page
    assert "high: A rule of this kind needs a high value." in page
    assert "Not published yet." in page


def test_a_case_without_problems_says_it_can_be_published(educator_client):
    page = educator_client.get(change_url(CaseFactory(status=Case.Status.DRAFT))).text

    assert "Nothing keeps the case from being published" in page


def test_the_live_checklist_reads_unsaved_edits_and_saves_nothing(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    data = form_data(educator_client.get(change_url(case)).text)
    target = next(
        name for name, value in data.items() if name.startswith("diagnoses-") and value == "target"
    )
    data[target] = "distractor"

    response = educator_client.post(checklist_url(case), data, headers={"HX-Request": "true"})

    assert "(with your unsaved edits)" in response.text
    assert "Diagnoses, role: Give one diagnosis the role" in response.text
    assert "<html" not in response.text
    assert case.diagnoses.filter(role="target").count() == 1


def test_the_live_checklist_with_refused_fields_falls_back_to_the_saved_case(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    data = form_data(educator_client.get(change_url(case)).text) | {"fvc_pct": "-1"}

    response = educator_client.post(checklist_url(case), data, headers={"HX-Request": "true"})

    assert "Some fields below are refused" in response.text


def test_without_javascript_the_checklist_form_returns_to_the_case_page(educator_client):
    case = CaseFactory()

    response = educator_client.post(checklist_url(case))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == change_url(case)


def test_a_learner_cannot_reach_the_checklist_or_the_simulation(learner_client):
    case = CaseFactory()

    assert learner_client.post(checklist_url(case)).status_code == HTTPStatus.FOUND
    assert "/admin/login/" in learner_client.get(simulation_url(case))["Location"]


def test_publishing_from_the_admin_is_refused_while_a_problem_remains(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    InterpretationQuestionFactory(key="q-empty", result=case.results.first(), options=[])

    response = educator_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "publish_new_version", "_selected_action": [case.pk]},
        follow=True,
    )

    assert "Give the question its options" in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    assert not case.versions.exists()


def test_the_case_page_says_what_changed_since_the_last_version(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    services.case_publish(case=case)
    case.summary = "A new summary."
    case.save()
    CaseResultFactory(case=case)
    case.history_items.create(
        key="smoking",
        question="Do you smoke?",
        answer="No.",
        appropriateness="neutral",
        source_id="NEJM",
    )

    changes = studio.changes_since_version(case)
    page = educator_client.get(change_url(case)).text

    assert changes.version == 1
    assert "Presentation, patient and debrief: summary." in changes.lines
    assert "History: 1 added." in changes.lines
    assert "Results: 1 added." in changes.lines
    assert "Unpublished changes since version 1" in page


def test_a_just_published_case_has_no_changes(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    services.case_publish(case=case)

    assert studio.changes_since_version(case).lines == []
    assert "No changes since version 1." in educator_client.get(change_url(case)).text


# --- the simulation preview ---------------------------------------------------------------------


def test_the_simulation_preview_shows_rates_scores_checks_and_three_courses(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)

    response = educator_client.get(simulation_url(case), {"patients": 40, "seed": 7})

    preview = response.context["preview"]
    assert preview.patients == 40
    assert len(preview.samples) == 3
    assert all(sample.events for sample in preview.samples)
    assert "relapse 5y" in response.text
    assert "management" in response.text
    assert "Patient 3:" in response.text


def test_the_page_and_case_preview_give_the_same_figures(educator_client, shipped_case):
    out = StringIO()
    call_command(
        "case_preview", shipped_case.slug, "--model-plan", "--patients", "30", "--json", stdout=out
    )

    page = educator_client.get(
        simulation_url(shipped_case), {"patients": 30, "seed": studio.DEFAULT_SEED}
    )

    assert page.context["preview"].to_dict() == json.loads(out.getvalue())


def test_a_plan_entered_in_the_form_is_simulated_instead_of_the_model_plan(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)

    response = educator_client.get(
        simulation_url(case), {"patients": 20, "seed": 1, "plan_1_agent": "observation"}
    )

    assert response.context["preview"].plan["orders"][0]["agent"] == "observation"


def test_a_refused_plan_says_why_and_simulates_nothing(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)

    response = educator_client.get(
        simulation_url(case),
        {
            "patients": 20,
            "seed": 1,
            "plan_1_agent": "prednisone",
            "plan_1_dose": "80",
            "plan_1_unit": "mg/day",
        },
    )

    assert response.context["preview"] is None
    assert "The plan is refused" in response.context["error"]


def test_a_patient_count_out_of_range_is_refused_beside_the_field(educator_client):
    response = educator_client.get(simulation_url(CaseFactory()), {"patients": 0, "seed": 1})

    assert response.context["preview"] is None
    assert "patients" in response.context["settings_form"].errors


# --- preview attempts ---------------------------------------------------------------------------


def test_an_educator_previews_a_draft_and_nothing_counts_it(educator, educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)

    page = educator_client.get(case.get_absolute_url())
    started = educator_client.post(reverse("cases:preview-start", args=[case.slug]))

    attempt = Attempt.objects.get(user=educator)
    assert "Preview the case" in page.text
    assert started["Location"] == attempt.get_absolute_url()
    assert attempt.preview
    assert attempt.case_version.preview
    assert "Preview: this attempt is not counted" in educator_client.get(started["Location"]).text
    assert selectors.case_progress(educator)["case_progress"]["started"] == 0
    assert not finished_attempts(case).exists()
    assert not case.versions.released().exists()


def test_a_preview_stays_off_the_educators_carry_on_and_case_list(educator, educator_client):
    case = CaseFactory()
    services.preview_start(user=educator, case=case)

    home = educator_client.get(reverse("home")).text
    listing = educator_client.get(reverse("cases:list")).text
    detail = educator_client.get(case.get_absolute_url()).text

    assert "Nothing unfinished" in home
    assert case.title not in home
    assert "Not attempted yet." in listing
    assert "Go back to the preview patient" in detail


def test_a_preview_version_never_becomes_the_cases_version(educator):
    case = CaseFactory(status=Case.Status.DRAFT)
    services.preview_start(user=educator, case=case)

    version = services.case_publish(case=case)

    assert not version.preview
    assert studio.latest_version(case) == version
    assert CaseVersion.objects.filter(case=case).count() == 2


def test_a_preview_can_be_thrown_away(educator, educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    attempt = services.preview_start(user=educator, case=case)

    response = educator_client.post(reverse("cases:preview-discard", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert not CaseVersion.objects.filter(case=case).exists()


def test_a_learners_attempt_cannot_be_thrown_away(learner, learner_client):
    attempt = services.attempt_start(user=learner, case=CaseFactory())

    learner_client.post(reverse("cases:preview-discard", args=[attempt.pk]))

    assert Attempt.objects.filter(pk=attempt.pk).exists()


def test_a_learner_can_neither_see_a_draft_nor_preview_it(learner_client):
    case = CaseFactory(status=Case.Status.DRAFT)

    assert learner_client.get(case.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    refused = learner_client.post(reverse("cases:preview-start", args=[case.slug]))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert not Attempt.objects.exists()


def test_a_draft_the_checklist_refuses_cannot_be_previewed(educator, educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    InterpretationQuestionFactory(key="q-empty", result=case.results.first(), options=[])

    response = educator_client.post(reverse("cases:preview-start", args=[case.slug]), follow=True)

    assert "cannot be previewed yet" in response.text
    assert not Attempt.objects.exists()


def test_admins_view_on_site_for_a_draft_opens_its_preview_page(educator_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    page = educator_client.get(change_url(case)).text

    assert f'href="{reverse("cases:detail", args=[case.slug])}"' in page
    assert educator_client.get(case.get_absolute_url()).status_code == HTTPStatus.OK


# --- abandoning, dead ends and educators reading attempts ---------------------------------------


def test_abandoning_asks_first_then_leaves_carry_on_and_keeps_everything(
    learner, learner_client, shipped_case
):
    attempt = services.attempt_start(user=learner, case=shipped_case)
    play_to(attempt, Stage.WORKUP)
    asked = attempt.history_asks.count()

    confirm = learner_client.get(reverse("cases:abandon", args=[attempt.pk]))
    done = learner_client.post(reverse("cases:abandon", args=[attempt.pk]))

    assert "Abandon this attempt?" in confirm.text
    attempt.refresh_from_db()
    assert done.status_code == HTTPStatus.FOUND
    assert attempt.abandoned_at is not None
    assert not selectors.attempts_in_progress(learner).exists()
    assert attempt.history_asks.count() == asked
    assert "(abandoned)" in learner_client.get(shipped_case.get_absolute_url()).text
    with pytest.raises(services.AttemptError, match="You abandoned this attempt"):
        services.workup_finish(attempt=attempt)


def test_a_stranger_cannot_abandon_someone_elses_attempt(learner, shipped_case):
    attempt = services.attempt_start(user=learner, case=shipped_case)
    other = client_for(UserFactory())

    assert (
        other.post(reverse("cases:abandon", args=[attempt.pk])).status_code == HTTPStatus.NOT_FOUND
    )
    attempt.refresh_from_db()
    assert attempt.abandoned_at is None


def test_an_attempt_on_a_version_that_cannot_go_on_says_so_and_offers_a_new_start(
    learner, learner_client
):
    case = CaseFactory()
    attempt = services.attempt_start(user=learner, case=case)
    snapshot = attempt.case_version.snapshot
    snapshot["questions"][0]["options"] = []
    CaseVersion.objects.filter(pk=attempt.case_version_id).update(snapshot=snapshot)

    page = learner_client.get(attempt.get_absolute_url()).text

    assert "cannot be played to its end: one of its questions has no options" in page
    assert reverse("cases:start", args=[case.slug]) in page


def test_an_educator_reads_any_learners_open_attempt_read_only(educator_client, learner):
    attempt = services.attempt_start(user=learner, case=CaseFactory())

    response = educator_client.get(reverse("cases:review", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Read-only" in response.text
    assert "What the learner has done so far" in response.text


def test_an_educator_reads_a_finished_attempts_debrief_read_only(
    educator_client, learner, shipped_case
):
    attempt = services.attempt_start(user=learner, case=shipped_case)
    play_to(attempt, Stage.DEBRIEF)

    response = educator_client.get(reverse("cases:review", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Read-only" in response.text
    assert "Try this case again" not in response.text


def test_a_learner_cannot_read_another_learners_attempt(learner, learner_client):
    attempt = services.attempt_start(user=learner, case=CaseFactory())

    response = learner_client.get(reverse("cases:review", args=[attempt.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_admins_view_on_site_for_an_attempt_opens_it_read_only(educator_client, learner):
    attempt = services.attempt_start(user=learner, case=CaseFactory())

    page = educator_client.get(reverse("admin:cases_attempt_change", args=[attempt.pk])).text

    assert reverse("cases:review", args=[attempt.pk]) in page


# --- query counts -------------------------------------------------------------------------------


def test_the_simulation_page_costs_the_same_queries_for_a_larger_case(educator_client):
    small, large = CaseFactory(), CaseFactory()
    for _ in range(6):
        CaseResultFactory(case=large)

    def queries(case: Case) -> int:
        with CaptureQueriesContext(connection) as captured:
            educator_client.get(simulation_url(case), {"patients": 5, "seed": 1})
        return len(captured)

    assert queries(small) == queries(large)
