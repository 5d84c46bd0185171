"""The debrief rubric on plain data."""

from types import SimpleNamespace
from typing import cast

import pytest

from cases import scoring
from cases.cohorts import ArmOutcome, CohortComparison
from cases.content import CaseContent
from cases.simulation import (
    Adjuncts,
    DoseUnit,
    EventKind,
    Order,
    Plan,
    TaperStep,
    get_plan,
    get_profile,
    simulate,
)
from cases.snapshot import Snapshot

QUESTION = {
    "multiple": True,
    "options": [
        {"key": "a", "correct": True},
        {"key": "b", "correct": True},
        {"key": "c", "correct": False},
    ],
}
IDEAL_WEIGHT = 70.0


@pytest.mark.parametrize(
    ("chosen", "score"),
    [(["a", "b"], 1.0), (["a"], 0.5), (["a", "c"], 0.0), (["c"], 0.0), (["a", "b", "c"], 0.5)],
)
def test_multiple_answer_questions_give_partial_credit_minus_wrong_picks(chosen, score):
    assert scoring.question_score(QUESTION, chosen) == score


def test_single_answer_questions_are_all_or_nothing():
    single = {**QUESTION, "multiple": False}

    assert scoring.question_score(single, ["a"]) == 1.0
    assert scoring.question_score(single, ["c"]) == 0.0


def plan(dose=0.75, days=28, taper=(), **adjuncts) -> Plan:
    order = Order("prednisone", dose, DoseUnit.MG_PER_KG_PER_DAY, 0, days, taper=taper)
    return Plan((order,), Adjuncts(**adjuncts))


def rule(kind, low=None, high=None, agents=()):
    return {"kind": kind, "low": low, "high": high, "agents": list(agents)}


@pytest.mark.parametrize(
    ("the_rule", "the_plan", "passed"),
    [
        (rule("agent_in", agents=["prednisone"]), plan(), True),
        (rule("agent_in", agents=["clarithromycin"]), plan(), False),
        (rule("plan_includes", agents=["prednisone", "stop_culprit"]), plan(), False),
        (rule("course_days_at_most", high=548), plan(taper=(TaperStep(0.25, 200),)), True),
        (rule("dose_per_kg_between", 0.5, 1.0), plan(0.75), True),
        (rule("dose_per_kg_between", 0.5, 1.0), plan(0.25), False),
        (rule("daily_mg_at_most", high=60), plan(1.0), True),
        (rule("initial_days_between", 14, 56), plan(days=10), False),
        (rule("course_days_at_least", 180), plan(taper=(TaperStep(0.25, 200),)), True),
        (rule("course_days_at_least", 180), plan(taper=(TaperStep(0.25, 14),)), False),
        (rule("taper_steps_at_least", 2), plan(taper=(TaperStep(0.25, 14),)), False),
        (rule("pjp_prophylaxis_above_mg", high=20), plan(0.75), False),
        (
            rule("pjp_prophylaxis_above_mg", high=20),
            plan(0.75, pneumocystis_prophylaxis=True),
            True,
        ),
        (rule("pjp_prophylaxis_above_mg", high=20), plan(0.25), True),
        (rule("bone_protection_course_days", 90), plan(days=28), True),
        (rule("bone_protection_course_days", 90), plan(days=120), False),
        (rule("monitoring_on_steroids"), plan(), False),
        (
            rule("monitoring_on_steroids"),
            plan(glucose_monitoring=True, blood_pressure_monitoring=True),
            True,
        ),
    ],
)
def test_management_rules_check_the_plan(the_rule, the_plan, passed):
    assert scoring.rule_check(the_rule, the_plan, IDEAL_WEIGHT).passed is passed


PULSE_THEN_PREDNISONE = Plan(
    (
        Order("methylprednisolone_pulse", 1000, DoseUnit.MG_PER_DAY, 0, 3),
        Order(
            "prednisone",
            0.75,
            DoseUnit.MG_PER_KG_PER_DAY,
            3,
            28,
            taper=(TaperStep(0.5, 60), TaperStep(0.25, 120)),
        ),
        Order("stop_culprit"),
    )
)


@pytest.mark.parametrize(
    ("the_rule", "note"),
    [
        (
            rule("agent_in", agents=["prednisone"]),
            "Your plan: methylprednisolone, prednisone, stop the culprit drug or exposure.",
        ),
        (rule("plan_includes", agents=["stop_culprit"]), "All included."),
        (
            rule("dose_per_kg_between", 0.5, 1.0),
            "Your starting dose was 0.75 mg/kg/day (52 mg/day).",
        ),
        (rule("daily_mg_at_most", high=60), "At most 52 mg/day."),
        (rule("initial_days_between", 14, 56), "Full dose for 28 days."),
        (rule("course_days_at_least", 180), "The course lasted 211 days (about 7 months)."),
        (rule("taper_steps_at_least", 2), "2 step(s) down."),
    ],
)
def test_a_pulse_before_prednisone_is_judged_on_the_prednisone_course(the_rule, note):
    assert scoring.rule_check(the_rule, PULSE_THEN_PREDNISONE, IDEAL_WEIGHT) == (
        scoring.RuleOutcome(passed=True, note=note)
    )


def test_every_order_counts_wherever_it_stands_in_the_plan():
    culprit_second = Plan(
        (Order("prednisone", 40, DoseUnit.MG_PER_DAY, 0, 200), Order("stop_culprit"))
    )
    culprit_first = Plan(
        (Order("stop_culprit"), Order("prednisone", 40, DoseUnit.MG_PER_DAY, 0, 200))
    )
    rules = [
        rule("agent_in", agents=["prednisone"]),
        rule("plan_includes", agents=["stop_culprit", "prednisone"]),
        rule("dose_per_kg_between", 0.5, 1.0),
        rule("course_days_at_least", 180),
    ]

    for the_rule in rules:
        assert scoring.rule_check(the_rule, culprit_first, IDEAL_WEIGHT).passed
        assert scoring.rule_check(the_rule, culprit_second, IDEAL_WEIGHT).passed


def test_a_plan_without_the_agents_a_rule_excludes_passes_and_one_with_them_fails():
    excluded = rule("plan_excludes", agents=["azathioprine", "cyclophosphamide"])
    with_azathioprine = Plan(
        (*plan().orders, Order("azathioprine", 50, DoseUnit.MG_PER_DAY, 0, 28))
    )

    assert scoring.rule_check(excluded, plan(), IDEAL_WEIGHT).passed
    assert scoring.rule_check(excluded, with_azathioprine, IDEAL_WEIGHT) == scoring.RuleOutcome(
        False, "Your plan includes azathioprine."
    )


def test_a_year_at_sixty_mg_stopped_at_once_fails_the_full_dose_taper_and_stop_rules():
    year = Plan((Order("prednisone", 60, DoseUnit.MG_PER_DAY, 0, 365),))

    def check(the_rule):
        return scoring.rule_check(the_rule, year, IDEAL_WEIGHT)

    assert check(rule("initial_days_between", 14, 56)) == (False, "Full dose for 365 days.", True)
    assert not check(rule("taper_steps_at_least", 2)).passed
    assert check(rule("no_abrupt_stop_above_mg", high=20)) == (
        False,
        "Stopped at once from 60 mg/day on day 365.",
        True,
    )
    assert check(rule("course_days_at_most", high=548)).passed


def test_a_tapered_course_is_not_an_abrupt_stop_and_a_short_burst_is_not_either():
    tapered = plan(taper=(TaperStep(0.25, 60), TaperStep(0.125, 60)))
    burst = Plan((Order("prednisone", 40, DoseUnit.MG_PER_DAY, 0, 10),))
    stop = rule("no_abrupt_stop_above_mg", high=20)

    assert scoring.rule_check(stop, tapered, IDEAL_WEIGHT).passed
    assert scoring.rule_check(stop, burst, IDEAL_WEIGHT).passed


def test_a_course_kept_up_for_years_fails_the_longest_course_rule():
    years = plan(taper=(TaperStep(0.25, 900),))

    outcome = scoring.rule_check(rule("course_days_at_most", high=548), years, IDEAL_WEIGHT)

    assert outcome == (False, "The course lasted 928 days (about 31 months).", True)


def test_a_dose_that_rises_again_is_not_a_taper():
    rising = Plan(
        (
            Order("prednisone", 40, DoseUnit.MG_PER_DAY, 0, 28, taper=(TaperStep(20, 28),)),
            Order("prednisone", 30, DoseUnit.MG_PER_DAY, 56, 28, taper=(TaperStep(10, 28),)),
        )
    )

    outcome = scoring.rule_check(rule("taper_steps_at_least", 2), rising, IDEAL_WEIGHT)

    assert outcome == (False, "2 step(s) down; the dose rose on day 56.", True)


OBSERVATION = Plan((Order("observation"),))


@pytest.mark.parametrize(
    "the_rule",
    [
        rule("dose_per_kg_between", 0.5, 1.0),
        rule("daily_mg_at_most", high=60),
        rule("initial_days_between", 14, 56),
        rule("course_days_at_least", 180),
        rule("course_days_at_most", high=548),
        rule("taper_steps_at_least", 2),
        rule("no_abrupt_stop_above_mg", high=20),
    ],
)
def test_observation_earns_nothing_from_the_rules_about_the_steroid_course(the_rule):
    assert scoring.rule_check(the_rule, OBSERVATION, IDEAL_WEIGHT) == (
        False,
        scoring.NO_COURSE,
        True,
    )


def test_checks_that_were_not_due_are_left_out_of_the_share():
    checks = [
        scoring.Check("due and met", 1, 1.0, ""),
        scoring.Check("due and missed", 1, 0.0, ""),
        scoring.Check("not due", 5, 1.0, "", due=False),
    ]

    assert scoring.Competency("management", "Management", 30, checks).score == 0.5


def test_a_rule_missing_its_number_is_reported_and_not_scored_instead_of_failing():
    outcome = scoring.rule_check(rule("dose_per_kg_between", low=0.5), plan(), IDEAL_WEIGHT)

    assert outcome.due is False
    assert "lacks high" in outcome.note


def test_steroid_orders_on_the_same_days_add_up_and_count_each_day_once():
    together = Plan(
        (
            Order("prednisone", 40, DoseUnit.MG_PER_DAY, 0, 100),
            Order("methylprednisolone_pulse", 500, DoseUnit.MG_PER_DAY, 0, 3),
        )
    )

    pjp = scoring.rule_check(rule("pjp_prophylaxis_above_mg", high=20), together, IDEAL_WEIGHT)
    bone = scoring.rule_check(rule("bone_protection_course_days", 90), together, IDEAL_WEIGHT)

    assert pjp.note == "Peak 665 mg/day; prophylaxis not given."
    assert bone.note == "100 days on steroids; bone protection not given."


def test_the_cap_is_reported_when_a_weight_based_dose_exceeds_it():
    outcome = scoring.rule_check(rule("daily_mg_at_most", high=60), plan(1.0), 80.0)

    assert outcome.passed
    assert outcome.note == "At most 60 mg/day after the cap."


CLARITHROMYCIN = Plan((Order("clarithromycin", 1000, DoseUnit.MG_PER_DAY, 0, 91),))


@pytest.mark.parametrize(
    ("the_rule", "the_plan", "note"),
    [
        (
            rule("pjp_prophylaxis_above_mg", high=20),
            plan(0.25),
            "Not due: the dose peaked at 18 mg/day, never above 20.",
        ),
        (
            rule("bone_protection_course_days", 90),
            plan(days=14, taper=(TaperStep(0.25, 14),)),
            "Not due: 28 days on steroids, fewer than 90.",
        ),
        (rule("monitoring_on_steroids"), CLARITHROMYCIN, "Not due: no steroid was given."),
        (
            rule("no_abrupt_stop_above_mg", high=20),
            plan(0.25),
            "Not due: the dose never reached 20 mg/day.",
        ),
    ],
)
def test_a_rule_that_was_not_due_says_so_and_costs_nothing(the_rule, the_plan, note):
    outcome = scoring.rule_check(the_rule, the_plan, IDEAL_WEIGHT)

    assert outcome == scoring.RuleOutcome(passed=True, note=note, due=False)


def test_a_rule_that_was_due_and_met_is_reported_as_due():
    outcome = scoring.rule_check(
        rule("bone_protection_course_days", 90), plan(days=120, bone_protection=True), 70.0
    )

    assert outcome == scoring.RuleOutcome(True, "120 days on steroids; bone protection given.")


def test_azathioprine_up_front_is_unsafe_unless_the_case_plan_itself_uses_it():
    with_azathioprine = Plan(
        (*plan().orders, Order("azathioprine", 50, DoseUnit.MG_PER_DAY, 0, 28))
    )

    assert scoring.cytotoxic_check(with_azathioprine, plan()).earned == 0.0
    assert scoring.cytotoxic_check(with_azathioprine, with_azathioprine).earned == 1.0
    assert scoring.cytotoxic_check(plan(), plan()).earned == 1.0


def arm(**counts):
    base = {
        "patients": 200,
        "relapsed": 40,
        "died": 2,
        "steroid_harm": 60,
        "persistent_1y": 2,
        "unsettled": 42,
        "active_days": 70.0,
        "serious_adverse": 5,
        "ill_day_10": 2,
    }
    return ArmOutcome(**{**base, **counts})


def test_the_model_plan_beside_itself_earns_every_outcome_check_in_full():
    same = CohortComparison(tuple(range(200)), arm(), arm())

    checks = scoring.outcome_management_checks(same) + scoring.outcome_safety_checks(same)

    assert [c.earned for c in checks] == [1.0] * len(checks)


def test_a_plan_that_never_controls_the_disease_earns_little_for_control_or_remission():
    never = arm(relapsed=0, persistent_1y=196, unsettled=196, active_days=1790.0, ill_day_10=198)

    prompt, control, remission = scoring.outcome_management_checks(
        CohortComparison(tuple(range(200)), never, arm())
    )

    assert prompt.earned < 0.06
    assert control.earned < 0.05
    assert remission.earned < 0.3
    assert remission.note == (
        "Of 200 patients like this one, 196 relapsed or were still ill a year on under your "
        "plan and 42 under the recommended plan."
    )


def test_more_harm_than_the_model_plan_costs_safety_and_less_harm_earns_no_bonus():
    harmful = CohortComparison(tuple(range(200)), arm(steroid_harm=160), arm())
    gentler = CohortComparison(tuple(range(200)), arm(steroid_harm=10), arm())

    assert scoring.outcome_safety_checks(harmful)[0].earned == pytest.approx(70 / 170)
    assert scoring.outcome_safety_checks(gentler)[0].earned == 1.0


def test_a_start_too_weak_to_control_the_disease_loses_the_prompt_response_check():
    """8 mg/day leaves most still ill on day 10 while the model plan leaves almost nobody."""
    smouldering = CohortComparison(tuple(range(200)), arm(ill_day_10=169), arm(ill_day_10=1))

    prompt = scoring.outcome_management_checks(smouldering)[0]

    assert prompt.label == "Prompt response, 200 patients like this one"
    assert prompt.earned == pytest.approx(11 / 179)
    assert prompt.note.startswith(
        "Of 200 patients like this one, 169 were still ill (or had died) on day 10 under your "
        "plan and 1 under the recommended plan."
    )


def test_serious_adverse_events_beyond_the_model_plans_cost_safety_apart_from_steroid_harms():
    toxic = CohortComparison(tuple(range(200)), arm(serious_adverse=48), arm(serious_adverse=7))

    steroid, deaths, serious = scoring.outcome_safety_checks(toxic)

    assert (steroid.earned, deaths.earned) == (1.0, 1.0)
    assert serious.label == "Serious adverse events, 200 patients like this one"
    assert serious.earned == pytest.approx(11 / 52)
    assert "48 had a serious adverse event" in serious.note


def test_a_comparison_stored_before_the_newer_counts_is_scored_without_them():
    """Attempts finished before a count existed keep their comparison; nothing is invented."""
    stored = {
        "patients": 200,
        "relapsed": 40,
        "died": 2,
        "steroid_harm": 60,
        "persistent_1y": 2,
        "unsettled": 42,
        "active_days": 70.0,
    }
    old = CohortComparison.from_dict({"seeds": list(range(200)), "yours": stored, "model": stored})

    labels = [
        c.label for c in scoring.outcome_management_checks(old) + scoring.outcome_safety_checks(old)
    ]

    assert not [label for label in labels if label.startswith(("Prompt", "Serious"))]
    assert len(labels) == 4


def relapse_under_a_short_course():
    """A typical patient's timeline on the short plan with a relapse after day 10."""
    patient = get_profile("typical-cop").sample(3)
    for seed in range(200):
        timeline = simulate(patient, get_plan("prednisone-short"), seed)
        relapses = [e.day for e in timeline.events if e.kind is EventKind.RELAPSE]
        if relapses and relapses[0] > 10:
            return timeline, relapses[0]
    raise AssertionError("no relapse after day 10 in 200 seeds")


def test_a_revision_before_the_relapse_does_not_count_as_retreating_it():
    timeline, relapse_day = relapse_under_a_short_course()
    short = get_plan("prednisone-short")
    first = SimpleNamespace(plan=short.to_dict(), effective_day=0)
    early = SimpleNamespace(plan=short.shifted(5).to_dict(), effective_day=5)
    later = SimpleNamespace(
        plan=short.shifted(relapse_day + 1).to_dict(), effective_day=relapse_day + 1
    )
    no_rules = CaseContent(cast(Snapshot, {"management_rules": []}))
    same = CohortComparison(tuple(range(200)), arm(), arm())

    *_, early_only = scoring.management_checks(no_rules, [first, early], timeline, same)
    *_, after = scoring.management_checks(no_rules, [first, early, later], timeline, same)

    assert (early_only.earned, early_only.note) == (
        0.0,
        f"The relapse on day {relapse_day} was left untreated.",
    )
    assert after.earned == 1.0


class Submission:
    def __init__(self, primary, confidence, differential=()):
        self.primary_key = primary
        self.confidence_pct = confidence
        self.differential = dict.fromkeys(differential, "possible")


def test_confident_and_right_beats_unsure_and_right_beats_confident_and_wrong(shipped_case):
    from cases.content import CaseContent, case_snapshot

    content = CaseContent(case_snapshot(shipped_case))

    def calibration(primary, confidence):
        checks = scoring.diagnosis_checks(content, Submission(primary, confidence))
        return next(c.earned for c in checks if c.label == "Calibration of confidence")

    right, wrong = "cryptogenic-organizing-pneumonia", "community-acquired-pneumonia"
    assert calibration(right, 90) > calibration(right, 50) > calibration(wrong, 90)
    assert calibration(wrong, 10) == pytest.approx(0.99)


def test_the_competency_weights_add_up_to_one_hundred():
    assert sum(scoring.COMPETENCY_WEIGHTS.values()) == 100


def test_a_watched_patient_not_better_at_two_weeks_needs_the_plan_changed():
    """SUM-MX: watching goes on to steroids when there is no improvement in two weeks. The
    cohort keeps first plans unchanged, so the switch is judged on the learner's patient."""
    patient = get_profile("typical-cop").sample(3)
    watching = get_plan("observation")
    timeline = next(
        t
        for t in (simulate(patient, watching, seed) for seed in range(200))
        if any(e.day == 14 and e.decision_point for e in t.events)
    )
    first = SimpleNamespace(plan=watching.to_dict(), effective_day=0)
    switch = get_plan("prednisone-standard").shifted(14)
    switched = SimpleNamespace(plan=switch.to_dict(), effective_day=14)
    no_rules = CaseContent(cast(Snapshot, {"management_rules": []}))
    same = CohortComparison(tuple(range(200)), arm(), arm())
    label = "Plan changed when there was no improvement at two weeks"

    def two_week_check(plans):
        return next(
            c
            for c in scoring.management_checks(no_rules, plans, timeline, same)
            if c.label == label
        )

    kept = two_week_check([first])
    assert kept.earned == 0.0
    assert "nobody there switches" in kept.note
    assert two_week_check([first, switched]).earned == 1.0
