"""The debrief score: five competencies, each a weighted list of checks worth 0 to 1.

docs/cases.md documents the rubric. Management checks come from the case's rules (data with
a fixed vocabulary, ManagementRule.Kind) so educators tune them without touching code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import numpy as np

from cases.content import CaseContent
from cases.models import Appropriateness, CaseDiagnosis, ManagementRule
from cases.simulation import HORIZON_DAYS, EventKind, Order, Plan, Timeline, get_agent

COMPETENCY_WEIGHTS = {
    "workup": 25,
    "interpretation": 15,
    "diagnosis": 20,
    "management": 30,
    "safety": 10,
}
COMPETENCY_LABELS = {
    "workup": "Work-up",
    "interpretation": "Interpretation",
    "diagnosis": "Diagnosis and calibration",
    "management": "Management",
    "safety": "Safety",
}
UNNECESSARY_PENALTY = 0.25
HARMFUL_PENALTY = 0.5
HARM_KINDS = (EventKind.ADVERSE_EVENT, EventKind.DEATH, EventKind.HOSPITALIZATION)


@dataclass(frozen=True)
class Check:
    """One line of the debrief: what was checked, the share earned and why.

    A check that was not due (no prophylaxis needed at a low dose) earns full credit, and
    ``due=False`` lets the debrief say "not due" rather than claim a 100 % success.
    """

    label: str
    weight: float
    earned: float
    note: str
    due: bool = True


class RuleOutcome(NamedTuple):
    """What one management rule made of a plan."""

    passed: bool
    note: str
    due: bool = True


@dataclass(frozen=True)
class Competency:
    key: str
    label: str
    weight: int
    checks: list[Check]

    @property
    def score(self) -> float:
        """Share of this competency earned, 0 to 1."""
        total = sum(check.weight for check in self.checks)
        return sum(c.weight * c.earned for c in self.checks) / total if total else 0.0


@dataclass(frozen=True)
class ScoreCard:
    competencies: list[Competency] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Points out of 100."""
        return round(sum(c.weight * c.score for c in self.competencies), 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "competencies": [
                {**asdict(c), "score": round(c.score, 3), "points": round(c.weight * c.score, 1)}
                for c in self.competencies
            ],
        }


def question_score(question: dict[str, Any], chosen: Sequence[str]) -> float:
    """1 for exactly the right options; partial credit minus wrong picks on multiple answer."""
    right = {option["key"] for option in question["options"] if option["correct"]}
    picked = set(chosen)
    if not question["multiple"]:
        return 1.0 if picked and picked <= right else 0.0
    return max(0.0, (len(picked & right) - len(picked - right)) / len(right)) if right else 0.0


def attempt_score(
    *,
    content: CaseContent,
    history_asks: Sequence[Any],
    orders: Sequence[Any],
    answers: Sequence[Any],
    questions_open: int,
    diagnosis: Any,
    plans: Sequence[Any],
    workup_hours: int,
    risk_total_pct: float,
    timeline: Timeline,
    counterfactual: Timeline,
) -> ScoreCard:
    """Score a finished attempt from its saved records and both timelines."""
    ordered = {order.investigation_key for order in orders}
    parts = {
        "workup": workup_checks(content, ordered, history_asks, workup_hours),
        "interpretation": interpretation_checks(answers, questions_open),
        "diagnosis": diagnosis_checks(content, diagnosis),
        "management": management_checks(content, plans, timeline),
        "safety": safety_checks(content, orders, risk_total_pct, timeline, counterfactual),
    }
    return ScoreCard(
        [
            Competency(key, COMPETENCY_LABELS[key], COMPETENCY_WEIGHTS[key], checks)
            for key, checks in parts.items()
        ]
    )


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def workup_checks(
    content: CaseContent, ordered: set[str], history_asks: Sequence[Any], workup_hours: int
) -> list[Check]:
    critical = content.investigations_with(Appropriateness.CRITICAL)
    recommended = content.investigations_with(Appropriateness.RECOMMENDED)
    missed_critical = [i["name"] for i in critical if i["key"] not in ordered]
    missed_recommended = [i["name"] for i in recommended if i["key"] not in ordered]
    catalog = content.investigation_by_key
    wasteful = [catalog[key] for key in ordered if catalog[key]["appropriateness"] in BAD]
    penalty = sum(
        HARMFUL_PENALTY if i["appropriateness"] == Appropriateness.HARMFUL else UNNECESSARY_PENALTY
        for i in wasteful
    )
    needed_cost = sum(i["cost"] for i in critical + recommended)
    spent = sum(catalog[key]["cost"] for key in ordered)
    target_hours = content.case["target_workup_hours"]
    key_history = [h for h in content.history if h["appropriateness"] in GOOD]
    asked = {ask.item_key for ask in history_asks}
    return [
        Check(
            "Critical tests ordered",
            0.45,
            _share(len(critical) - len(missed_critical), len(critical)),
            "Missed: " + ", ".join(missed_critical) if missed_critical else "All ordered.",
        ),
        Check(
            "Recommended tests ordered",
            0.15,
            _share(len(recommended) - len(missed_recommended), len(recommended)),
            "Missed: " + ", ".join(missed_recommended) if missed_recommended else "All ordered.",
        ),
        Check(
            "Key history questions asked",
            0.1,
            _share(len([h for h in key_history if h["key"] in asked]), len(key_history)),
            f"{len([h for h in key_history if h['key'] in asked])} of {len(key_history)} asked.",
        ),
        Check(
            "No unnecessary or harmful tests",
            0.15,
            max(0.0, 1.0 - penalty),
            "Avoidable: " + ", ".join(i["name"] for i in wasteful) if wasteful else "None.",
        ),
        Check(
            "Cost",
            0.05,
            min(1.0, needed_cost / spent) if spent else 0.0,
            f"€{spent} spent; the needed tests cost €{needed_cost}.",
        ),
        Check(
            "Days to diagnosis",
            0.1,
            min(1.0, target_hours / workup_hours) if workup_hours else 1.0,
            f"{workup_hours / 24:.1f} simulated days; an expert needs about "
            f"{target_hours / 24:.1f}.",
        ),
    ]


GOOD = (Appropriateness.CRITICAL, Appropriateness.RECOMMENDED)
BAD = (Appropriateness.UNNECESSARY, Appropriateness.HARMFUL)


def interpretation_checks(answers: Sequence[Any], questions_open: int) -> list[Check]:
    if not questions_open:
        return [Check("Results interpreted", 1.0, 0.0, "No key result was obtained to interpret.")]
    earned = sum(answer.score for answer in answers) / questions_open
    return [
        Check(
            "Results interpreted",
            1.0,
            earned,
            f"{sum(a.score for a in answers):.1f} of {questions_open} questions right.",
        )
    ]


def diagnosis_checks(content: CaseContent, diagnosis: Any) -> list[Check]:
    target = content.target_diagnosis
    correct = diagnosis.primary_key == target["key"]
    to_exclude = [d for d in content.diagnoses if d["role"] == CaseDiagnosis.Role.EXCLUDE]
    considered = set(diagnosis.differential) | {diagnosis.primary_key}
    missed = [d["name"] for d in to_exclude if d["key"] not in considered]
    confidence = diagnosis.confidence_pct / 100
    brier = (confidence - (1.0 if correct else 0.0)) ** 2
    return [
        Check(
            "Primary diagnosis",
            0.5,
            1.0 if correct else 0.0,
            "Correct." if correct else f"The diagnosis was {target['name']}.",
        ),
        Check(
            "Differential covers what must be excluded",
            0.2,
            _share(len(to_exclude) - len(missed), len(to_exclude)),
            "Not considered: " + ", ".join(missed) if missed else "All considered.",
        ),
        Check(
            "Calibration of confidence",
            0.3,
            1.0 - brier,
            f"{diagnosis.confidence_pct}% confident and {'right' if correct else 'wrong'}: "
            f"Brier score {brier:.2f} (0 is perfect).",
        ),
    ]


def main_order(plan: Plan) -> Order | None:
    """The order the management rules judge: the longest glucocorticoid course in the plan.

    A 3-day IV pulse before prednisone, or stopping a culprit drug beside it, is not the
    course whose dose, length and taper the rules are about, wherever it sits in the list.
    A plan without a glucocorticoid is judged on its first order.
    """
    steroids = [order for order in plan.orders if order.catalog_entry.prednisone_equivalence]
    if steroids:
        return max(steroids, key=lambda order: order.total_days)
    return plan.orders[0] if plan.orders else None


def _course_days(plan: Plan, main: Order) -> int:
    """Days from the start of the main course to its end. In a steroid course every
    glucocorticoid order counts, so a pulse before prednisone belongs to the course."""
    if main.catalog_entry.prednisone_equivalence:
        course = [o for o in plan.orders if o.catalog_entry.prednisone_equivalence]
    else:
        course = [main]
    return max(o.start_day + o.total_days for o in course) - min(o.start_day for o in course)


def _steroid_profile(plan: Plan, ideal_weight: float) -> tuple[float, int]:
    """Highest prednisone-equivalent mg/day and number of days on any glucocorticoid.

    Summed day by day, as the engine does, so concurrent steroid orders add up and a day
    covered by two orders counts once.
    """
    daily = np.zeros(HORIZON_DAYS)
    for order in plan.orders:
        equivalence = order.catalog_entry.prednisone_equivalence
        for piece in order.dose_pieces(ideal_weight):
            daily[piece.start : piece.end] += piece.daily_mg * equivalence
    return float(daily.max()), int(np.count_nonzero(daily))


def rule_check(rule: dict[str, Any], plan: Plan, ideal_weight: float) -> RuleOutcome:
    """Apply one management rule to a plan: whether it passed, what the plan did, if due."""
    order = main_order(plan)
    kind = ManagementRule.Kind(rule["kind"])
    low, high = rule["low"], rule["high"]
    top_mg, steroid_days = _steroid_profile(plan, ideal_weight)
    adjuncts = plan.adjuncts
    if order is None:
        return RuleOutcome(False, "No treatment was ordered.")
    agent = get_agent(order.agent)
    start_mg = agent.daily_mg(order.dose, order.unit, ideal_weight) if order.dose else 0.0
    if kind is ManagementRule.Kind.AGENT_IN:
        return RuleOutcome(order.agent in rule["agents"], f"You chose {agent.label.lower()}.")
    if kind is ManagementRule.Kind.DOSE_PER_KG_BETWEEN:
        per_kg = start_mg / ideal_weight
        return RuleOutcome(
            low <= round(per_kg, 3) <= high, f"Your starting dose was {per_kg:.2f} mg/kg/day."
        )
    if kind is ManagementRule.Kind.DAILY_MG_AT_MOST:
        asked = order.dose * ideal_weight if order.unit == "mg/kg/day" else order.dose or 0
        capped = asked > start_mg
        note = f"{start_mg:.0f} mg/day" + (" after the cap" if capped else "")
        return RuleOutcome(start_mg <= high, note + ".")
    if kind is ManagementRule.Kind.INITIAL_DAYS_BETWEEN:
        days = order.duration_days or 0
        return RuleOutcome(low <= days <= high, f"Full dose for {days} days.")
    if kind is ManagementRule.Kind.COURSE_DAYS_AT_LEAST:
        course_days = _course_days(plan, order)
        return RuleOutcome(course_days >= low, f"The course lasted {course_days} days.")
    if kind is ManagementRule.Kind.TAPER_STEPS_AT_LEAST:
        return RuleOutcome(len(order.taper) >= low, f"{len(order.taper)} taper steps.")
    if kind is ManagementRule.Kind.PJP_PROPHYLAXIS_ABOVE_MG:
        if top_mg <= high:
            return _not_due(f"the dose peaked at {top_mg:.0f} mg/day, never above {high:g}.")
        given = adjuncts.pneumocystis_prophylaxis
        return RuleOutcome(given, f"Peak {top_mg:.0f} mg/day; prophylaxis {_given(given)}.")
    if kind is ManagementRule.Kind.BONE_PROTECTION_COURSE_DAYS:
        if steroid_days < low:
            return _not_due(f"{steroid_days} days on steroids, fewer than {low:g}.")
        given = adjuncts.bone_protection
        return RuleOutcome(
            given, f"{steroid_days} days on steroids; bone protection {_given(given)}."
        )
    if not steroid_days:
        return _not_due("no steroid was given.")
    monitored = adjuncts.glucose_monitoring and adjuncts.blood_pressure_monitoring
    return RuleOutcome(monitored, f"Glucose and blood-pressure checks {_given(monitored)}.")


def _not_due(reason: str) -> RuleOutcome:
    """Nothing was owed, so nothing was missed: full credit, said as not due."""
    return RuleOutcome(True, f"Not due: {reason}", due=False)


RULE_LABELS = {
    ManagementRule.Kind.AGENT_IN: "Main agent: {agents}",
    ManagementRule.Kind.DOSE_PER_KG_BETWEEN: "Starting dose {low:g}-{high:g} mg/kg/day",
    ManagementRule.Kind.DAILY_MG_AT_MOST: "Daily dose capped at {high:g} mg",
    ManagementRule.Kind.INITIAL_DAYS_BETWEEN: "Full dose for {low:g}-{high:g} days",
    ManagementRule.Kind.COURSE_DAYS_AT_LEAST: "Whole course at least {low:g} days",
    ManagementRule.Kind.TAPER_STEPS_AT_LEAST: "Taper in at least {low:g} steps",
    ManagementRule.Kind.PJP_PROPHYLAXIS_ABOVE_MG: "Pneumocystis prophylaxis above {high:g} mg/day",
    ManagementRule.Kind.BONE_PROTECTION_COURSE_DAYS: "Bone protection on courses of {low:g}+ days",
    ManagementRule.Kind.MONITORING_ON_STEROIDS: "Glucose and blood-pressure monitoring",
}


def rule_label(rule: dict[str, Any]) -> str:
    """The rule in the learner's words, with its numbers filled in."""
    return RULE_LABELS[ManagementRule.Kind(rule["kind"])].format(
        agents=", ".join(rule["agents"]), low=rule["low"] or 0, high=rule["high"] or 0
    )


def _given(flag: bool) -> str:
    return "given" if flag else "not given"


def management_checks(
    content: CaseContent, plans: Sequence[Any], timeline: Timeline
) -> list[Check]:
    """The case's rules applied to the first plan, plus acting on any relapse."""
    first = Plan.from_dict(plans[0].plan)
    ideal_weight = timeline.patient.ideal_body_weight_kg
    checks = []
    for rule in content.management_rules:
        outcome = rule_check(rule, first, ideal_weight)
        checks.append(
            Check(
                rule_label(rule),
                rule["weight"],
                1.0 if outcome.passed else 0.0,
                outcome.note,
                outcome.due,
            )
        )
    relapse_day = next((e.day for e in timeline.events if e.kind is EventKind.RELAPSE), None)
    if relapse_day is not None:
        retreated = any(plan.effective_day > relapse_day for plan in plans[1:])
        checks.append(
            Check(
                "Relapse re-treated",
                1,
                1.0 if retreated else 0.0,
                f"You revised the plan after the relapse on day {relapse_day}."
                if retreated
                else f"The relapse on day {relapse_day} was left untreated.",
            )
        )
    return checks


def harm_count(timeline: Timeline) -> int:
    return sum(1 for event in timeline.events if event.kind in HARM_KINDS)


def safety_checks(
    content: CaseContent,
    orders: Sequence[Any],
    risk_total_pct: float,
    timeline: Timeline,
    counterfactual: Timeline,
) -> list[Check]:
    needed_risk = sum(i["risk_pct"] for i in content.investigations_with(Appropriateness.CRITICAL))
    harmful = [o for o in orders if o.appropriateness == Appropriateness.HARMFUL]
    yours, theirs = harm_count(timeline), harm_count(counterfactual)
    return [
        Check(
            "Procedural risk kept to what the diagnosis needed",
            0.4,
            1.0 if risk_total_pct <= needed_risk + 1e-9 else needed_risk / risk_total_pct,
            f"{risk_total_pct:.1f}% accumulated; the critical tests carry {needed_risk:.1f}%.",
        ),
        Check(
            "No harmful actions",
            0.3,
            0.0 if harmful else 1.0,
            f"{len(harmful)} harmful test(s) ordered." if harmful else "None.",
        ),
        Check(
            "Harms no worse than under the recommended plan",
            0.3,
            1.0 if yours <= theirs else 0.0,
            f"{yours} adverse events or admissions under your plan, {theirs} under the "
            "recommended plan for the same patient.",
        ),
    ]
