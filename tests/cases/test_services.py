"""The attempt's state machine through its services, without HTTP."""

from decimal import Decimal

import pytest

from cases import plans, services
from cases.cohorts import COHORT_PATIENTS
from cases.errors import AttemptError
from cases.models import Attempt, Case, CaseResult, Stage
from cases.plans import OrderInput, PlanError
from cases.simulation import HORIZON_DAYS, EventKind, Plan, Timeline
from tests.cases.conftest import (
    FAST_TAPER,
    PULSE_THEN_PREDNISONE,
    RETREATMENT,
    finish,
    play_to,
    relapsing_seed,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def snapshot_of(attempt: Attempt) -> dict:
    """Everything a refused step must leave untouched."""
    fresh = Attempt.objects.get(pk=attempt.pk)
    return {
        "stage": fresh.stage,
        "clock": fresh.clock_hours,
        "cost": fresh.cost_total,
        "risk": fresh.risk_total_pct,
        "orders": list(fresh.test_orders.values_list("investigation_key", flat=True)),
        "answers": list(fresh.answers.values_list("question_key", flat=True)),
        "plans": list(fresh.plans.values_list("number", flat=True)),
        "timeline": fresh.timeline,
    }


def test_starting_freezes_the_case_and_draws_a_patient_within_its_ranges(attempt, shipped_case):
    assert attempt.case_version.number == shipped_case.version
    assert attempt.stage == Stage.PRESENTATION
    patient = attempt.patient
    assert shipped_case.age_min <= patient["age"] <= shipped_case.age_max
    assert shipped_case.height_min_cm <= patient["height_cm"] <= shipped_case.height_max_cm
    assert patient["crp_mg_dl"] == shipped_case.engine_findings["crp_mg_dl"]


def test_retrying_gives_a_new_seed_and_usually_a_different_patient(shipped_case, learner):
    attempts = [services.attempt_start(user=learner, case=shipped_case) for _ in range(5)]

    assert len({a.seed for a in attempts}) == 5
    assert len({(a.patient["age"], a.patient["height_cm"]) for a in attempts}) > 1
    assert len({a.case_version_id for a in attempts}) == 1


def test_a_draft_case_cannot_be_started(learner):
    case = CaseFactory(status=Case.Status.DRAFT)

    with pytest.raises(AttemptError, match="not published"):
        services.attempt_start(user=learner, case=case)


def test_a_learner_may_have_only_so_many_cases_in_progress(learner, shipped_case):
    for _ in range(services.MAX_OPEN_ATTEMPTS):
        services.attempt_start(user=learner, case=shipped_case)

    with pytest.raises(AttemptError, match="cases in progress"):
        services.attempt_start(user=learner, case=shipped_case)
    assert learner.case_attempts.count() == services.MAX_OPEN_ATTEMPTS


def test_finishing_a_case_frees_a_place_for_another(learner, shipped_case):
    attempts = [
        services.attempt_start(user=learner, case=shipped_case)
        for _ in range(services.MAX_OPEN_ATTEMPTS)
    ]
    finish(play_to(attempts[0], Stage.OUTCOME))

    assert services.attempt_start(user=learner, case=shipped_case).is_open


def test_editing_a_case_never_changes_a_running_attempt(attempt, shipped_case):
    CaseResult.objects.filter(case=shipped_case, investigation__key="hrct-chest").update(
        report="Edited by an educator"
    )
    shipped_case.title = "Renamed"
    shipped_case.save()
    services.case_publish(case=shipped_case)

    attempt.refresh_from_db()
    hrct = attempt.content.investigation_by_key["hrct-chest"]
    assert "Edited" not in hrct["report"]
    assert attempt.case_version.snapshot["case"]["title"] != "Renamed"
    newer = services.attempt_start(user=attempt.user, case=shipped_case)
    assert newer.case_version.number == attempt.case_version.number + 1
    assert newer.content.investigation_by_key["hrct-chest"]["report"] == ("Edited by an educator")


def test_ordering_adds_cost_and_risk_and_results_wait_for_the_clock(attempt):
    play_to(attempt, Stage.WORKUP)

    services.test_order(attempt=attempt, investigation_keys=["hrct-chest", "bronchoscopy-bal"])

    assert attempt.cost_total == 850
    assert attempt.risk_total_pct == Decimal("1.00")
    order = attempt.test_orders.get(investigation_key="hrct-chest")
    assert (order.ordered_at_hours, order.ready_at_hours) == (0, 24)
    services.clock_advance(attempt=attempt)
    assert attempt.clock_hours == 24
    services.clock_advance(attempt=attempt)
    assert attempt.clock_hours == 48
    with pytest.raises(AttemptError, match="nothing to wait for"):
        services.clock_advance(attempt=attempt)


def test_tests_ordered_later_start_their_turnaround_on_the_simulated_clock(attempt):
    play_to(attempt, Stage.WORKUP)
    services.clock_advance(attempt=attempt, hours=24)

    services.test_order(attempt=attempt, investigation_keys=["crp-esr"])

    assert attempt.test_orders.get().ready_at_hours == 28


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["not-a-test"], "Not in this case's test catalog: not-a-test"),
        ([], "at least one test"),
    ],
)
def test_a_bad_order_is_refused_and_changes_nothing(attempt, keys, message):
    play_to(attempt, Stage.WORKUP)
    before = snapshot_of(attempt)

    with pytest.raises(AttemptError, match=message):
        services.test_order(attempt=attempt, investigation_keys=keys)

    assert snapshot_of(attempt) == before


def test_ordering_the_same_test_twice_is_refused(attempt):
    play_to(attempt, Stage.WORKUP)
    services.test_order(attempt=attempt, investigation_keys=["crp-esr"])
    before = snapshot_of(attempt)

    with pytest.raises(AttemptError, match="Already ordered"):
        services.test_order(attempt=attempt, investigation_keys=["crp-esr", "hrct-chest"])

    assert snapshot_of(attempt) == before


def test_acting_out_of_order_is_refused_and_changes_nothing(attempt):
    before = snapshot_of(attempt)

    with pytest.raises(AttemptError, match="work-up stage"):
        services.test_order(attempt=attempt, investigation_keys=["hrct-chest"])
    with pytest.raises(AttemptError, match="plan stage"):
        services.plan_submit(attempt=attempt, plan_input=FAST_TAPER)
    with pytest.raises(AttemptError, match="diagnosis stage"):
        services.diagnosis_submit(
            attempt=attempt,
            primary_key="cryptogenic-organizing-pneumonia",
            confidence_pct=50,
            differential={},
        )

    assert snapshot_of(attempt) == before


def test_the_workup_cannot_close_while_results_are_pending(attempt):
    play_to(attempt, Stage.WORKUP)
    services.test_order(attempt=attempt, investigation_keys=["ctd-serology"])

    with pytest.raises(AttemptError, match="still pending"):
        services.workup_finish(attempt=attempt)

    services.clock_advance(attempt=attempt)
    services.workup_finish(attempt=attempt)
    assert attempt.stage == Stage.INTERPRETATION


def test_only_questions_on_obtained_results_are_open_and_each_is_scored_once(attempt):
    play_to(attempt, Stage.INTERPRETATION)

    answer = services.answer_submit(
        attempt=attempt,
        question_key="ct-features",
        option_keys=["distribution", "air-bronchograms"],
    )
    assert answer.score == 0.0
    with pytest.raises(AttemptError, match="already answered"):
        services.answer_submit(
            attempt=attempt, question_key="ct-features", option_keys=["distribution"]
        )
    with pytest.raises(AttemptError, match="not open"):
        services.answer_submit(
            attempt=attempt, question_key="biopsy-pattern", option_keys=["op-pattern"]
        )
    with pytest.raises(AttemptError, match="single answer"):
        services.answer_submit(
            attempt=attempt, question_key="bal-meaning", option_keys=["excludes", "proves"]
        )
    with pytest.raises(AttemptError, match="Answer every question"):
        services.interpretation_finish(attempt=attempt)


def test_a_diagnosis_with_an_unknown_primary_or_bad_confidence_is_refused(attempt):
    play_to(attempt, Stage.DIAGNOSIS)
    before = snapshot_of(attempt)

    with pytest.raises(AttemptError, match="primary diagnosis"):
        services.diagnosis_submit(
            attempt=attempt, primary_key="flu", confidence_pct=50, differential={}
        )
    with pytest.raises(AttemptError, match="between 0 and 100"):
        services.diagnosis_submit(
            attempt=attempt,
            primary_key="cryptogenic-organizing-pneumonia",
            confidence_pct=150,
            differential={},
        )
    with pytest.raises(AttemptError, match="unlikely, possible or likely"):
        services.diagnosis_submit(
            attempt=attempt,
            primary_key="cryptogenic-organizing-pneumonia",
            confidence_pct=50,
            differential={"community-acquired-pneumonia": "certain"},
        )

    assert snapshot_of(attempt) == before


@pytest.mark.parametrize(
    ("plan_input", "message"),
    [
        (FAST_TAPER.__class__("prednisone", 2.5, "mg/kg/day", 28), "between 0 and 1 mg/kg/day"),
        (FAST_TAPER.__class__("prednisone", 80, "mg/day", 28), "between 0 and 60 mg/day"),
        (
            FAST_TAPER.__class__("prednisone", 0.75, "mg/kg/day", 28, [(0.5, 0)]),
            "ends before it starts",
        ),
        (
            FAST_TAPER.__class__("prednisone", 0.75, "mg/kg/day", 28, [(0.5, -7)]),
            "ends before it starts",
        ),
        (FAST_TAPER.__class__("prednisone", 0.5, "mg/kg/day", 28, [(0.75, 7)]), "only goes down"),
        (FAST_TAPER.__class__("warfarin", 5, "mg/day", 28), "therapy offered"),
        (
            FAST_TAPER.__class__("prednisone", 0.75, "mg/kg/day", None, [(0.5, 7)]),
            "full-dose duration",
        ),
    ],
)
def test_a_bad_plan_is_refused_with_the_reason_and_changes_nothing(attempt, plan_input, message):
    play_to(attempt, Stage.PLAN)
    before = snapshot_of(attempt)

    with pytest.raises(AttemptError, match=message):
        services.plan_submit(attempt=attempt, plan_input=plan_input)

    assert snapshot_of(attempt) == before


def test_a_plan_of_several_orders_is_simulated_with_each_order_on_its_own_days(attempt):
    play_to(attempt, Stage.OUTCOME, plan=PULSE_THEN_PREDNISONE)

    timeline = Timeline.from_dict(attempt.timeline)
    prednisone_mg = plans.dose_daily_mg(
        patient=timeline.patient, agent="prednisone", dose=0.75, unit="mg/kg/day"
    )
    assert timeline.series.prednisone_mg[0] == 1250.0  # 1 g methylprednisolone, as prednisone
    assert timeline.series.prednisone_mg[3] == pytest.approx(prednisone_mg, abs=0.01)
    assert timeline.series.prednisone_mg[31] == 0.0
    saved = attempt.plans.get(number=0).plan["orders"]
    assert [(o["agent"], o["start_day"]) for o in saved] == [
        ("methylprednisolone_pulse", 0),
        ("prednisone", 3),
        ("stop_culprit", 0),
    ]
    assert saved[2]["dose"] is None


def with_second_order(**fields) -> plans.PlanInput:
    """Four weeks of prednisone and one further order built from ``fields``."""
    return plans.PlanInput(
        "prednisone", 0.75, "mg/kg/day", 28, additional_orders=[OrderInput(**fields)]
    )


@pytest.mark.parametrize(
    ("plan_input", "field", "message"),
    [
        (
            with_second_order(agent="clarithromycin", dose=2000, duration_days=91),
            "dose",
            "Dose for clarithromycin must be between 500 and 1000 mg/day, not 2000.",
        ),
        (
            with_second_order(agent="clarithromycin", dose=1000, start_day=1900),
            "start_day",
            "Start day must be a whole number between 0 and 1824, not 1900.",
        ),
        (
            with_second_order(agent="warfarin", dose=5, unit="mg/day"),
            "agent",
            "Choose a therapy offered in this case.",
        ),
        (
            with_second_order(agent="prednisone", dose=20, unit="mg/day", start_day=14),
            "start_day",
            "Start day for prednisone must be on or after day 28, when the other prednisone "
            "order ends, not 14: one agent cannot be ordered twice on the same day.",
        ),
        (
            with_second_order(agent="methylprednisolone_pulse", dose=1000),
            "duration_days",
            "Duration (days) plus taper for methylprednisolone must be between 1 and 5 days, "
            "not 1825.",
        ),
    ],
)
def test_a_bad_further_order_is_refused_naming_its_row_and_changes_nothing(
    attempt, plan_input, field, message
):
    play_to(attempt, Stage.PLAN)
    before = snapshot_of(attempt)

    with pytest.raises(PlanError) as refusal:
        services.plan_submit(attempt=attempt, plan_input=plan_input)

    assert (str(refusal.value), refusal.value.order, refusal.value.field) == (message, 2, field)
    assert snapshot_of(attempt) == before


def test_a_revision_must_keep_every_order_within_the_five_years(attempt):
    content = attempt.content
    late = with_second_order(agent="clarithromycin", dose=1000, duration_days=91, start_day=1800)

    with pytest.raises(PlanError, match="between 0 and 1724 in a plan that starts on day 100"):
        plans.plan_build(content=content, plan_input=late, starts_on_day=100)


def test_the_plan_starts_after_the_workup_and_the_outcome_is_simulated(attempt):
    play_to(attempt, Stage.OUTCOME)

    timeline = Timeline.from_dict(attempt.timeline)
    assert timeline.seed == attempt.seed
    assert timeline.patient.days_since_onset == attempt.patient["days_since_onset"] + 3
    assert timeline.series.prednisone_mg[0] > 0
    assert 0 <= attempt.revealed_until_day <= HORIZON_DAYS - 1


def test_a_relapse_after_a_fast_taper_is_retreated_and_the_past_is_unchanged(
    shipped_case, learner, monkeypatch
):
    seed = relapsing_seed(shipped_case)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    first = Timeline.from_dict(attempt.timeline)
    relapse_day = attempt.revealed_until_day
    assert any(e.kind is EventKind.RELAPSE and e.day == relapse_day for e in first.events)
    with pytest.raises(AttemptError, match="Decide what to do"):
        services.attempt_finish(attempt=attempt)

    services.plan_revise(attempt=attempt, plan_input=RETREATMENT)

    revised = Timeline.from_dict(attempt.timeline)
    assert revised.events_before(relapse_day + 1) == first.events_before(relapse_day + 1)
    assert revised.series.prednisone_mg[relapse_day + 1] == 20.0
    assert attempt.plans.get(number=1).effective_day == relapse_day + 1
    assert attempt.revealed_until_day > relapse_day


def test_keeping_the_plan_through_a_relapse_reveals_what_follows(
    shipped_case, learner, monkeypatch
):
    seed = relapsing_seed(shipped_case)
    monkeypatch.setattr(services, "new_seed", lambda: seed)
    attempt = play_to(services.attempt_start(user=learner, case=shipped_case), Stage.OUTCOME)
    relapse_day = attempt.revealed_until_day

    services.outcome_continue(attempt=attempt)

    assert attempt.revealed_until_day > relapse_day
    assert attempt.plans.count() == 1


def test_revising_without_a_relapse_is_refused(attempt):
    play_to(attempt, Stage.OUTCOME)
    while attempt.revealed_until_day < HORIZON_DAYS - 1:
        services.outcome_continue(attempt=attempt)
    before = snapshot_of(attempt)

    with pytest.raises(AttemptError, match="no relapse"):
        services.plan_revise(attempt=attempt, plan_input=RETREATMENT)

    assert snapshot_of(attempt) == before


def test_finishing_scores_the_attempt_against_the_same_patient_under_the_case_model_plan(attempt):
    finish(play_to(attempt, Stage.OUTCOME))

    assert attempt.stage == Stage.DEBRIEF
    assert attempt.finished_at is not None
    counterfactual = Timeline.from_dict(attempt.counterfactual)
    mine = Timeline.from_dict(attempt.timeline)
    assert counterfactual.seed == mine.seed == attempt.seed
    assert counterfactual.patient == mine.patient
    model_plan = Plan.from_dict(attempt.case.model_plan)
    assert counterfactual.history[0].plan.orders == model_plan.orders
    keys = [c["key"] for c in attempt.score_breakdown["competencies"]]
    assert keys == ["workup", "interpretation", "diagnosis", "management", "safety"]
    assert 0 < attempt.score <= 100
    assert attempt.score == attempt.score_breakdown["total"]


def test_finishing_keeps_a_cohort_comparison_that_starts_with_the_attempts_own_patient(attempt):
    finish(play_to(attempt, Stage.OUTCOME))

    comparison = attempt.cohort_comparison
    assert len(comparison["seeds"]) == COHORT_PATIENTS >= 200
    assert comparison["seeds"][0] == attempt.seed
    assert len(set(comparison["seeds"])) == COHORT_PATIENTS
    assert comparison["yours"]["patients"] == comparison["model"]["patients"] == COHORT_PATIENTS


def test_history_questions_are_recorded_once_and_only_from_the_case(attempt):
    services.history_ask(attempt=attempt, item_key="medications")
    services.history_ask(attempt=attempt, item_key="medications")

    assert attempt.history_asks.count() == 1
    with pytest.raises(AttemptError, match="not part of this case"):
        services.history_ask(attempt=attempt, item_key="favourite-colour")


def test_publishing_refuses_a_case_that_cannot_be_played(learner):
    case = CaseFactory()
    case.diagnoses.filter(role="target").delete()

    with pytest.raises(AttemptError, match="Give one diagnosis the role 'The diagnosis'"):
        services.case_publish(case=case)
    assert not case.versions.exists()
