"""The debrief score: five competencies, each a weighted list of checks worth 0 to 1.

docs/cases.md documents the rubric. Management checks come from the case's rules (data with
a fixed vocabulary, ManagementRule.Kind) so educators tune them without touching code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import numpy as np

from cases.cohorts import CohortComparison
from cases.content import CaseContent
from cases.models import Appropriateness, CaseDiagnosis, ManagementRule, missing_rule_parameters
from cases.simulation import HORIZON_DAYS, Action, DoseUnit, EventKind, Plan, Timeline, get_agent

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

    A check that was not due (no prophylaxis needed at a low dose) is left out of its
    competency's share, neither credit nor penalty, and the debrief says "not due".
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
        """Share of this competency earned, 0 to 1, over the checks that were due."""
        due = [check for check in self.checks if check.due]
        total = sum(check.weight for check in due)
        return sum(c.weight * c.earned for c in due) / total if total else 0.0


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


def question_score(question: Mapping[str, Any], chosen: Sequence[str]) -> float:
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
    model_plan: Plan,
    comparison: CohortComparison,
) -> ScoreCard:
    """Score a finished attempt from its saved records, its timeline and the cohort
    comparison of its first plan with the case's model plan."""
    ordered = {order.investigation_key for order in orders}
    parts = {
        "workup": workup_checks(content, ordered, history_asks, workup_hours),
        "interpretation": interpretation_checks(answers, questions_open),
        "diagnosis": diagnosis_checks(content, diagnosis),
        "management": management_checks(content, plans, timeline, comparison),
        "safety": safety_checks(
            content,
            orders,
            risk_total_pct,
            plan_safety_checks(Plan.from_dict(plans[0].plan), model_plan, comparison),
        ),
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


@dataclass(frozen=True)
class SteroidCourse:
    """A plan's glucocorticoids day by day, in prednisone-equivalent mg, as the rules read them.

    ``oral`` is the course the dose, time and taper rules are about: every glucocorticoid
    order except pulses (orders of an agent the catalog limits to a few days), summed day
    by day. ``total`` adds the pulses, for the peak dose and the days on steroids.
    """

    oral: np.ndarray
    total: np.ndarray
    capped: bool
    """Whether a weight-based dose was cut to its agent's daily cap."""

    @classmethod
    def of(cls, plan: Plan, ideal_weight: float) -> SteroidCourse:
        oral, total = np.zeros(HORIZON_DAYS), np.zeros(HORIZON_DAYS)
        capped = False
        for order in plan.orders:
            agent = order.catalog_entry
            if not agent.prednisone_equivalence:
                continue
            for piece in order.dose_pieces(ideal_weight):
                mg = piece.daily_mg * agent.prednisone_equivalence
                total[piece.start : piece.end] += mg
                if agent.max_duration_days is None:
                    oral[piece.start : piece.end] += mg
            asked = [order.dose or 0.0, *(step.dose for step in order.taper)]
            if order.unit is DoseUnit.MG_PER_KG_PER_DAY and agent.daily_cap_mg is not None:
                capped = capped or max(asked) * ideal_weight > agent.daily_cap_mg
        return cls(oral, total, capped)

    @property
    def given(self) -> bool:
        return bool(self.oral.any())

    @property
    def first_day(self) -> int:
        return int(np.flatnonzero(self.oral)[0])

    @property
    def start_mg(self) -> float:
        return float(self.oral[self.first_day])

    @property
    def peak_mg(self) -> float:
        return float(self.total.max())

    @property
    def top_mg(self) -> float:
        return float(self.oral.max())

    @property
    def days_on(self) -> int:
        return int(np.count_nonzero(self.total))

    @property
    def span_days(self) -> int:
        """From the first glucocorticoid day to the last, pulses and gaps included."""
        days = np.flatnonzero(self.total)
        return int(days[-1] - days[0] + 1) if days.size else 0

    @property
    def full_dose_days(self) -> int:
        """Days from the start of the course before the dose first falls below its start."""
        after = self.oral[self.first_day :]
        below = np.flatnonzero(after < self.start_mg - DOSE_TOLERANCE_MG)
        return int(below[0]) if below.size else int(after.size)

    def _changes(self) -> np.ndarray:
        return np.diff(self.oral[self.first_day :])

    @property
    def steps_down(self) -> int:
        """Reductions to a lower dose that is still given (a stop is not a taper step)."""
        after = self.oral[self.first_day :]
        down = (self._changes() < -DOSE_TOLERANCE_MG) & (after[1:] > 0)
        return int(np.count_nonzero(down))

    @property
    def rises(self) -> list[int]:
        """Days the dose went up after the course began (a restart after a gap included)."""
        return [int(d) + self.first_day + 1 for d in np.flatnonzero(self._changes() > 1e-6)]

    def abrupt_stops(self, threshold_mg: float) -> list[tuple[int, float]]:
        """(day, mg/day before) of every stop from ``threshold_mg`` or more to nothing after
        at least ADRENAL_SUPPRESSION_DAYS at that level."""
        stops = []
        high_days = 0
        for day in range(self.first_day, HORIZON_DAYS - 1):
            high_days += bool(self.oral[day] >= threshold_mg - DOSE_TOLERANCE_MG)
            stopped = self.oral[day + 1] == 0 and self.oral[day] >= threshold_mg
            if stopped and high_days >= ADRENAL_SUPPRESSION_DAYS:
                stops.append((day + 1, float(self.oral[day])))
        return stops


DOSE_TOLERANCE_MG = 1e-6
ADRENAL_SUPPRESSION_DAYS = 21
"""Three weeks at or above the rule's dose before a sudden stop counts as one; the period is
usual practice (clinical digest §16 row 9), not a figure from the five sources."""

NO_COURSE = "No glucocorticoid course was given, so this check earns nothing."
COURSE_KINDS = frozenset(
    {
        ManagementRule.Kind.DOSE_PER_KG_BETWEEN,
        ManagementRule.Kind.DAILY_MG_AT_MOST,
        ManagementRule.Kind.INITIAL_DAYS_BETWEEN,
        ManagementRule.Kind.COURSE_DAYS_AT_LEAST,
        ManagementRule.Kind.COURSE_DAYS_AT_MOST,
        ManagementRule.Kind.TAPER_STEPS_AT_LEAST,
        ManagementRule.Kind.NO_ABRUPT_STOP_ABOVE_MG,
    }
)
"""Rules about the steroid course itself: without a course they earn nothing rather than
pass (observation is not "dose capped at 60 mg")."""


def _agent_names(agents: Sequence[str]) -> str:
    return ", ".join(get_agent(name).label.split(",")[0].lower() for name in agents)


def rule_check(rule: Mapping[str, Any], plan: Plan, ideal_weight: float) -> RuleOutcome:
    """Apply one management rule to the whole plan: whether it passed, what the plan did."""
    missing = missing_rule_parameters(rule["kind"], rule)
    if missing:
        return _not_due(f"the case's rule lacks {', '.join(missing)}, so it was not scored.")
    kind = ManagementRule.Kind(rule["kind"])
    low, high = rule["low"], rule["high"]
    ordered = list(dict.fromkeys(order.agent for order in plan.orders))
    if not ordered:
        return RuleOutcome(False, "No treatment was ordered.")
    if kind is ManagementRule.Kind.AGENT_IN:
        return RuleOutcome(
            bool(set(rule["agents"]) & set(ordered)),
            f"Your plan: {_agent_names(ordered)}.",
        )
    if kind is ManagementRule.Kind.PLAN_INCLUDES:
        absent = [name for name in rule["agents"] if name not in ordered]
        note = f"Missing: {_agent_names(absent)}." if absent else "All included."
        return RuleOutcome(not absent, note)
    if kind is ManagementRule.Kind.PLAN_EXCLUDES:
        present = [name for name in rule["agents"] if name in ordered]
        note = f"Your plan includes {_agent_names(present)}." if present else "None given."
        return RuleOutcome(not present, note)
    course = SteroidCourse.of(plan, ideal_weight)
    if kind in COURSE_KINDS and not course.given:
        return RuleOutcome(False, NO_COURSE)
    if kind is ManagementRule.Kind.DOSE_PER_KG_BETWEEN:
        per_kg = course.start_mg / ideal_weight
        return RuleOutcome(
            low <= round(per_kg, 3) <= high,
            f"Your starting dose was {per_kg:.2f} mg/kg/day ({course.start_mg:.0f} mg/day).",
        )
    if kind is ManagementRule.Kind.DAILY_MG_AT_MOST:
        note = f"At most {course.top_mg:.0f} mg/day" + (" after the cap" if course.capped else "")
        return RuleOutcome(course.top_mg <= high + DOSE_TOLERANCE_MG, note + ".")
    if kind is ManagementRule.Kind.INITIAL_DAYS_BETWEEN:
        days = course.full_dose_days
        return RuleOutcome(low <= days <= high, f"Full dose for {days} days.")
    if kind is ManagementRule.Kind.COURSE_DAYS_AT_LEAST:
        return RuleOutcome(
            course.span_days >= low, f"The course lasted {_duration(course.span_days)}."
        )
    if kind is ManagementRule.Kind.COURSE_DAYS_AT_MOST:
        return RuleOutcome(
            course.span_days <= high, f"The course lasted {_duration(course.span_days)}."
        )
    if kind is ManagementRule.Kind.TAPER_STEPS_AT_LEAST:
        steps, rises = course.steps_down, course.rises
        note = f"{steps} step(s) down"
        note += f"; the dose rose on day {rises[0]}." if rises else "."
        return RuleOutcome(steps >= low and not rises, note)
    if kind is ManagementRule.Kind.NO_ABRUPT_STOP_ABOVE_MG:
        if course.top_mg < high:
            return _not_due(f"the dose never reached {high:g} mg/day.")
        stops = course.abrupt_stops(high)
        if stops:
            day, mg = stops[0]
            return RuleOutcome(False, f"Stopped at once from {mg:.0f} mg/day on day {day}.")
        return RuleOutcome(True, "Tapered rather than stopped at once.")
    if not course.days_on:
        return _not_due("no steroid was given.")
    adjuncts = plan.adjuncts
    if kind is ManagementRule.Kind.PJP_PROPHYLAXIS_ABOVE_MG:
        if course.peak_mg <= high:
            peak = course.peak_mg
            return _not_due(f"the dose peaked at {peak:.0f} mg/day, never above {high:g}.")
        given = adjuncts.pneumocystis_prophylaxis
        return RuleOutcome(given, f"Peak {course.peak_mg:.0f} mg/day; prophylaxis {_given(given)}.")
    if kind is ManagementRule.Kind.BONE_PROTECTION_COURSE_DAYS:
        if course.days_on < low:
            return _not_due(f"{course.days_on} days on steroids, fewer than {low:g}.")
        given = adjuncts.bone_protection
        return RuleOutcome(
            given, f"{course.days_on} days on steroids; bone protection {_given(given)}."
        )
    monitored = adjuncts.glucose_monitoring and adjuncts.blood_pressure_monitoring
    return RuleOutcome(monitored, f"Glucose and blood-pressure checks {_given(monitored)}.")


def _duration(days: int) -> str:
    """Days with the months beside them once a course is long enough for months to read."""
    return f"{days} days" if days < 60 else f"{days} days (about {days / 30.4:.0f} months)"


def _not_due(reason: str) -> RuleOutcome:
    """Nothing was owed, so nothing was missed: left out of the share, said as not due."""
    return RuleOutcome(True, f"Not due: {reason}", due=False)


RULE_LABELS = {
    ManagementRule.Kind.AGENT_IN: "Treats with {agents}",
    ManagementRule.Kind.PLAN_INCLUDES: "Includes {agents}",
    ManagementRule.Kind.PLAN_EXCLUDES: "Does not include {agents}",
    ManagementRule.Kind.DOSE_PER_KG_BETWEEN: "Starting dose {low:g}-{high:g} mg/kg/day",
    ManagementRule.Kind.DAILY_MG_AT_MOST: "Daily dose capped at {high:g} mg",
    ManagementRule.Kind.INITIAL_DAYS_BETWEEN: "Full dose for {low:g}-{high:g} days",
    ManagementRule.Kind.COURSE_DAYS_AT_LEAST: "Whole course at least {low:g} days",
    ManagementRule.Kind.COURSE_DAYS_AT_MOST: "Whole course at most {high:g} days",
    ManagementRule.Kind.TAPER_STEPS_AT_LEAST: "Taper in at least {low:g} steps, only down",
    ManagementRule.Kind.NO_ABRUPT_STOP_ABOVE_MG: "Never stopped at once from {high:g} mg/day",
    ManagementRule.Kind.PJP_PROPHYLAXIS_ABOVE_MG: "Pneumocystis prophylaxis above {high:g} mg/day",
    ManagementRule.Kind.BONE_PROTECTION_COURSE_DAYS: "Bone protection on courses of {low:g}+ days",
    ManagementRule.Kind.MONITORING_ON_STEROIDS: "Glucose and blood-pressure monitoring",
}


def rule_label(rule: Mapping[str, Any]) -> str:
    """The rule in the learner's words, with its numbers filled in."""
    agents = ", ".join(rule["agents"]) if rule["agents"] else "the listed agents"
    return RULE_LABELS[ManagementRule.Kind(rule["kind"])].format(
        agents=agents, low=rule["low"] or 0, high=rule["high"] or 0
    )


def _given(flag: bool) -> str:
    return "given" if flag else "not given"


def plan_rule_checks(content: CaseContent, plan: Plan, ideal_weight: float) -> list[Check]:
    """The case's rules applied to one plan for a patient of this ideal weight."""
    checks = []
    for rule in content.management_rules:
        outcome = rule_check(rule, plan, ideal_weight)
        checks.append(
            Check(
                rule_label(rule),
                rule["weight"],
                1.0 if outcome.passed else 0.0,
                outcome.note,
                outcome.due,
            )
        )
    return checks


DISEASE_CONTROL_WEIGHT = 4
RELAPSE_WEIGHT = 2
PROMPT_RESPONSE_WEIGHT = 4
"""As much as disease control: a start too weak to bring the disease under control (5-10
mg/day, §16 row 3) leaves it smouldering for weeks, which the five-year mean of active days
dilutes among the relapses every plan has; weight ours, chosen so the lesson shows."""
ACTIVE_DAYS_SLACK = 14.0
"""Days added to both sides of the disease-control ratio, so two plans a few days apart
both earn about full credit; ours, chosen so the lesson is visible, not a clinical figure."""
COUNT_SLACK_SHARE = {
    "unsettled": 0.05,
    "ill_day_10": 0.05,
    "steroid_harm": 0.05,
    "serious_adverse": 0.02,
    "died": 0.02,
}
"""Share of the cohort added to both counts of a ratio, for the same reason."""


def _ratio(comparison: CohortComparison, name: str) -> float:
    """1 when your count is no worse than the model plan's, falling as it grows beyond it."""
    slack = COUNT_SLACK_SHARE[name] * comparison.patients
    yours, model = getattr(comparison.yours, name), getattr(comparison.model, name)
    return min(1.0, (model + slack) / (yours + slack))


def _counted(comparison: CohortComparison, name: str) -> bool:
    """Whether the comparison counted ``name`` (one stored before it was counted did not)."""
    return getattr(comparison.yours, name) is not None


def _cohort_words(comparison: CohortComparison, name: str, what: str) -> str:
    return (
        f"Of {comparison.patients} patients like this one, {getattr(comparison.yours, name)} "
        f"{what} under your plan and {getattr(comparison.model, name)} under the recommended plan."
    )


def outcome_management_checks(comparison: CohortComparison) -> list[Check]:
    """How well the plan controlled the disease over many patients, not one draw: how
    promptly (left out for a comparison stored before it counted that), over five years, and
    how lastingly."""
    yours, model = comparison.yours.active_days, comparison.model.active_days
    control = min(1.0, (model + ACTIVE_DAYS_SLACK) / (yours + ACTIVE_DAYS_SLACK))
    checks = []
    if _counted(comparison, "ill_day_10"):
        checks.append(
            Check(
                f"Prompt response, {comparison.patients} patients like this one",
                PROMPT_RESPONSE_WEIGHT,
                _ratio(comparison, "ill_day_10"),
                _cohort_words(comparison, "ill_day_10", "were still ill (or had died) on day 10")
                + " On adequate treatment improvement rarely takes more than 10 days (NEJM).",
            )
        )
    return [
        *checks,
        Check(
            f"Disease controlled, {comparison.patients} patients like this one",
            DISEASE_CONTROL_WEIGHT,
            control,
            f"On average {yours:.0f} days with active disease in five years under your plan "
            f"(days after a death count too), {model:.0f} under the recommended plan.",
        ),
        Check(
            f"Lasting remission, {comparison.patients} patients like this one",
            RELAPSE_WEIGHT,
            _ratio(comparison, "unsettled"),
            _cohort_words(comparison, "unsettled", "relapsed or were still ill a year on"),
        ),
    ]


def cytotoxic_check(plan: Plan, model_plan: Plan) -> Check:
    """Cytotoxic or steroid-sparing agents in the first plan, before steroids have failed or
    could not be tapered, are inappropriate unless the case's own plan uses them (a
    connective-tissue disease treated with mycophenolate) [NEJM]."""
    expected = {o.agent for o in model_plan.orders}
    given = [
        o.agent
        for o in plan.orders
        if o.catalog_entry.action is Action.IMMUNOSUPPRESSANT and o.agent not in expected
    ]
    names = _agent_names(list(dict.fromkeys(given)))
    return Check(
        "No cytotoxic agent before steroids have failed",
        0.15,
        0.0 if given else 1.0,
        f"Your first plan starts {names}: kept for the rare patient whose disease steroids "
        "cannot control, for its toxic effects (NEJM)."
        if given
        else "None.",
    )


def outcome_safety_checks(comparison: CohortComparison) -> list[Check]:
    """Harms and deaths over the same cohort under both plans: the steroid's own harms, and
    apart from them the serious adverse events other agents (and infections) bring, left out
    for a comparison stored before it counted them."""
    checks = [
        Check(
            f"Steroid harms, {comparison.patients} patients like this one",
            0.25,
            _ratio(comparison, "steroid_harm"),
            _cohort_words(comparison, "steroid_harm", "had a steroid harm"),
        ),
        Check(
            f"Deaths, {comparison.patients} patients like this one",
            0.2,
            _ratio(comparison, "died"),
            _cohort_words(comparison, "died", "died within five years"),
        ),
    ]
    if _counted(comparison, "serious_adverse"):
        checks.append(
            Check(
                f"Serious adverse events, {comparison.patients} patients like this one",
                0.2,
                _ratio(comparison, "serious_adverse"),
                _cohort_words(
                    comparison,
                    "serious_adverse",
                    "had a serious adverse event (a harm of a non-steroid drug, or a serious "
                    "infection other than Pneumocystis)",
                ),
            )
        )
    return checks


def management_checks(
    content: CaseContent, plans: Sequence[Any], timeline: Timeline, comparison: CohortComparison
) -> list[Check]:
    """The case's rules applied to the first plan, the cohort outcome, and acting on relapse."""
    first = Plan.from_dict(plans[0].plan)
    checks = plan_rule_checks(content, first, timeline.patient.ideal_body_weight_kg)
    checks += outcome_management_checks(comparison)
    checks += two_week_checks(plans, timeline)
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


def two_week_checks(plans: Sequence[Any], timeline: Timeline) -> list[Check]:
    """Whether the learner changed the plan when the patient was not better at two weeks.

    SUM-MX: a watched patient without relief and radiological improvement within two weeks
    starts glucocorticoids, and about 12 % in whom clarithromycin fails need them too. The
    cohort comparison runs the first plan unchanged (it judges that plan, and §16 row 18 asks
    that watching alone leave most typical patients ill), so the switch is scored here, on
    the learner's own patient, and the note says so."""
    day = round(timeline.parameters.failure_assessment_day)
    stalled = any(
        e.day == day and e.decision_point and e.kind is EventKind.SYMPTOM_CHANGE
        for e in timeline.events
    )
    if not stalled:
        return []
    changed = next((plan.effective_day for plan in plans[1:] if plan.effective_day >= day), None)
    return [
        Check(
            "Plan changed when there was no improvement at two weeks",
            1,
            0.0 if changed is None else 1.0,
            f"The patient was not better on day {day}; you revised the plan on day {changed}."
            if changed is not None
            else f"The patient was not better on day {day} and the plan was kept: a watched "
            "patient who has not improved in two weeks starts steroids (SUM-MX). The comparison "
            "over patients like this one keeps every first plan unchanged, so nobody there "
            "switches; the switch counts here.",
        )
    ]


def harm_count(timeline: Timeline) -> int:
    return sum(1 for event in timeline.events if event.kind in HARM_KINDS)


def safety_checks(
    content: CaseContent,
    orders: Sequence[Any],
    risk_total_pct: float,
    plan_checks: Sequence[Check],
) -> list[Check]:
    """Procedural risk against the tests the case rates critical or recommended, harmful
    tests, and the plan's own safety checks (``plan_safety_checks``)."""
    needed = [*content.investigations_with(Appropriateness.CRITICAL)]
    needed += content.investigations_with(Appropriateness.RECOMMENDED)
    needed_risk = sum(i["risk_pct"] for i in needed)
    harmful = [o for o in orders if o.appropriateness == Appropriateness.HARMFUL]
    return [
        Check(
            "Procedural risk kept to what the diagnosis needed",
            0.25,
            1.0 if risk_total_pct <= needed_risk + 1e-9 else needed_risk / risk_total_pct,
            f"{risk_total_pct:.1f}% accumulated; the critical and recommended tests carry "
            f"{needed_risk:.1f}%.",
        ),
        Check(
            "No harmful tests",
            0.15,
            0.0 if harmful else 1.0,
            f"{len(harmful)} harmful test(s) ordered." if harmful else "None.",
        ),
        *plan_checks,
    ]


def plan_safety_checks(plan: Plan, model_plan: Plan, comparison: CohortComparison) -> list[Check]:
    """The part of safety a plan alone decides: no premature cytotoxic, and the cohort's
    harms and deaths beside the model plan's."""
    return [cytotoxic_check(plan, model_plan), *outcome_safety_checks(comparison)]


@dataclass(frozen=True)
class PlanPreview:
    """A plan judged the way the debrief judges it, over a cohort of the case's patients:
    the management and safety shares are means over the patients (their ideal weights
    differ, so their dose checks can), with each check's mean and the first patient's note."""

    management: float
    safety: float
    checks: list[dict[str, Any]]


def plan_preview(
    content: CaseContent,
    plan: Plan,
    model_plan: Plan,
    ideal_weights: Sequence[float],
    comparison: CohortComparison,
) -> PlanPreview:
    """What ``case_preview`` prints: the plan-only part of management and safety.

    Safety here is the cohort's harms and deaths only: the work-up's risk belongs to an
    attempt, not to a plan.
    """
    outcome = outcome_management_checks(comparison)
    per_patient = [plan_rule_checks(content, plan, weight) + outcome for weight in ideal_weights]
    safety = Competency("safety", "", 10, plan_safety_checks(plan, model_plan, comparison))
    management = [Competency("management", "", 30, checks).score for checks in per_patient]
    rows = []
    for index, check in enumerate(per_patient[0]):
        column = [checks[index] for checks in per_patient]
        due = [c for c in column if c.due]
        rows.append(
            {
                "competency": "management",
                "label": check.label,
                "weight": check.weight,
                "score": round(sum(c.earned for c in due) / len(due), 3) if due else None,
                "due_share": round(len(due) / len(column), 3),
                "note": check.note,
            }
        )
    rows += [
        {
            "competency": "safety",
            "label": c.label,
            "weight": c.weight,
            "score": round(c.earned, 3),
            "due_share": 1.0,
            "note": c.note,
        }
        for c in safety.checks
    ]
    return PlanPreview(
        management=round(sum(management) / len(management), 3),
        safety=round(safety.score, 3),
        checks=rows,
    )
