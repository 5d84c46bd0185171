"""Shared set-up for the case tests: helpers that play the shipped case honestly.

The `shipped_case` fixture itself lives in tests/conftest.py, for every folder."""

from collections.abc import Callable

import pytest
from django.core.cache import cache

from cases import plans, services
from cases.content import CaseContent
from cases.models import Case, Stage
from cases.simulation import EventKind, Timeline, simulate

KEY_TESTS = ["hrct-chest", "bronchoscopy-bal", "ctd-serology", "crp-esr"]
RIGHT_ANSWERS = {
    "ct-features": ["distribution", "reversed-halo"],
    "bal-meaning": ["excludes"],
    "serology-why": ["precede"],
    "biopsy-pattern": ["op-pattern"],
    "pft-pattern": ["restrictive"],
    "liver-relapse": ["cholestasis"],
}
FAST_TAPER = plans.PlanInput(
    agent="prednisone",
    dose=0.75,
    unit="mg/kg/day",
    duration_days=14,
    taper=[(0.25, 14)],
    adjuncts={"pneumocystis_prophylaxis": True},
)
RETREATMENT = plans.PlanInput(
    agent="prednisone",
    dose=20,
    unit="mg/day",
    duration_days=28,
    taper=[(15, 60), (10, 90), (5, 90)],
    adjuncts={
        "bone_protection": True,
        "glucose_monitoring": True,
        "blood_pressure_monitoring": True,
    },
)

PULSE_THEN_PREDNISONE = plans.PlanInput(
    agent="methylprednisolone_pulse",
    dose=1000,
    unit="mg/day",
    duration_days=3,
    adjuncts={"pneumocystis_prophylaxis": True},
    additional_orders=[
        plans.OrderInput("prednisone", 0.75, "mg/kg/day", duration_days=28, start_day=3),
        plans.OrderInput("stop_culprit"),
    ],
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages cache what they build per attempt; a test starts with nothing cached."""
    cache.clear()


@pytest.fixture
def attempt(shipped_case, learner):
    return services.attempt_start(user=learner, case=shipped_case)


def fast_taper_timeline(content: CaseContent, seed: int, workup_days: int = 3) -> Timeline:
    """The outcome ``play_to`` gives this seed, computed with the engine alone."""
    patient = services.patient_sample(content=content, seed=seed)
    data = patient.to_dict()
    data["days_since_onset"] += workup_days
    treated = type(patient).from_dict(data)
    plan = plans.plan_build(content=content, plan_input=FAST_TAPER)
    return simulate(treated, plan, seed, services.engine_parameters(content))


def seed_where(case: Case, wanted: Callable[[Timeline, int], bool], tries: int = 5000) -> int:
    """The first seed whose FAST_TAPER outcome satisfies ``wanted(timeline, first decision)``."""
    content = CaseContent(services.case_version_current(case=case).snapshot)
    for seed in range(tries):
        timeline = fast_taper_timeline(content, seed)
        decisions = services.decision_events(timeline, -1)
        if decisions and wanted(timeline, decisions[0]):
            return seed
    raise AssertionError(f"no such seed in {tries}")


def relapsing_seed(case: Case) -> int:
    """A seed whose patient's first decision under FAST_TAPER is a relapse."""

    def first_decision_is_a_relapse(timeline: Timeline, first: int) -> bool:
        return timeline.events[first].kind is EventKind.RELAPSE

    return seed_where(case, first_decision_is_a_relapse)


def same_day_sequel_seed(case: Case) -> int:
    """A seed whose first decision event is followed by another event on the same day."""

    def sequel_on_the_same_day(timeline: Timeline, first: int) -> bool:
        events = timeline.events
        return first + 1 < len(events) and events[first + 1].day == events[first].day

    return seed_where(case, sequel_on_the_same_day)


def open_questions(attempt) -> set[str]:
    ordered = set(attempt.test_orders.values_list("investigation_key", flat=True))
    content = attempt.content
    return {q["key"] for q in services.questions_available(attempt, content, ordered)}


def play_to(attempt, stage: Stage, plan: plans.PlanInput = FAST_TAPER):
    """Advance an attempt through the real services until it reaches ``stage``."""
    steps = [
        (
            Stage.WORKUP,
            lambda: (
                services.history_ask(attempt=attempt, item_key="medications"),
                services.workup_begin(attempt=attempt),
            ),
        ),
        (
            Stage.INTERPRETATION,
            lambda: (
                services.test_order(attempt=attempt, investigation_keys=KEY_TESTS),
                services.clock_advance(attempt=attempt, hours=72),
                services.workup_finish(attempt=attempt),
            ),
        ),
        (
            Stage.DIAGNOSIS,
            lambda: (
                [
                    services.answer_submit(attempt=attempt, question_key=key, option_keys=options)
                    for key, options in RIGHT_ANSWERS.items()
                    if key in open_questions(attempt)
                ],
                services.interpretation_finish(attempt=attempt),
            ),
        ),
        (
            Stage.PLAN,
            lambda: services.diagnosis_submit(
                attempt=attempt,
                primary_key="cryptogenic-organizing-pneumonia",
                confidence_pct=80,
                differential={"community-acquired-pneumonia": "possible"},
            ),
        ),
        (Stage.OUTCOME, lambda: services.plan_submit(attempt=attempt, plan_input=plan)),
    ]
    for reached, step in steps:
        if attempt.stage_reached(stage):
            break
        if attempt.stage_reached(reached):
            continue
        step()
        assert attempt.stage == reached
    return attempt


def finish(attempt):
    """From the outcome: re-treat every decision point, then close for the debrief."""
    while attempt.decision_event is not None:
        services.plan_revise(attempt=attempt, plan_input=RETREATMENT)
    services.attempt_finish(attempt=attempt)
    return attempt
