"""Admin forms for authoring a case: the patient's findings and the model plan, as fields.

Nobody types JSON. Each engine finding is one field whose label, unit, range and help text
come from the engine's own table (``cases.simulation.FINDINGS``), and the model plan is written
as order rows (agent, start day, dose and unit, duration, taper steps with their own dose,
unit and days) plus the adjunct checkboxes the learner's plan form has. The engine checks the
result and every refusal is put beside the field it names, so one save shows every error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from cases.forms import ADJUNCTS, UNITS
from cases.models import Case, case_patient
from cases.plans import MAX_ADDITIONAL_ORDERS, MAX_TAPER_STEPS
from cases.simulation import (
    AGENTS,
    FINDINGS,
    Disease,
    Finding,
    PlanError,
    PlanProblem,
    plan_from_json,
)

PLAN_ORDERS = MAX_ADDITIONAL_ORDERS + 1
"""Order rows in the model-plan form: as many as the learner's plan form offers."""
ORDER_INPUTS = ("agent", "start_day", "dose", "unit", "duration_days")
STEP_INPUTS = ("dose", "unit", "days")


def order_field(number: int, name: str) -> str:
    """Form field of input ``name`` of plan row ``number`` (from 1)."""
    return f"plan_{number}_{name}"


def step_field(number: int, step: int, name: str) -> str:
    """Form field of input ``name`` of taper step ``step`` of plan row ``number``."""
    return f"plan_{number}_step_{step}_{name}"


def adjunct_field(name: str) -> str:
    return f"plan_{name}"


def finding_help(finding: Finding) -> str:
    """The engine's help text with its range and unit, as the form and the docs show it."""
    if finding.kind in ("number", "integer"):
        return f"{finding.help} {finding.low:g} to {finding.high:g} {finding.unit}."
    if finding.kind == "choice":
        return f"{finding.help} One of: {', '.join(finding.choices)}."
    return finding.help


def finding_label(finding: Finding) -> str:
    return f"{finding.label} ({finding.unit})" if finding.unit else finding.label


def _finding_field(finding: Finding) -> forms.Field:
    common: dict[str, Any] = {"label": finding_label(finding), "help_text": finding_help(finding)}
    if finding.kind == "number":
        return forms.FloatField(min_value=finding.low, max_value=finding.high, **common)
    if finding.kind == "integer":
        low, high = int(finding.low or 0), int(finding.high or 0)
        return forms.IntegerField(min_value=low, max_value=high, **common)
    if finding.kind == "choice":
        optional = finding.name == "secondary_cause"
        blank = [("", "None (not a secondary organizing pneumonia)")] if optional else []
        choices = [*blank, *((choice, choice.replace("_", " ")) for choice in finding.choices)]
        return forms.ChoiceField(choices=choices, required=not optional, **common)
    if finding.kind == "flag":
        return forms.BooleanField(required=False, **common)
    return forms.CharField(required=False, max_length=int(finding.high or 0), **common)


def _plan_fields() -> dict[str, forms.Field]:
    agents = [("", "—"), *((name, agent.label) for name, agent in AGENTS.items())]
    units = [("", "the agent's usual unit"), *UNITS]
    fields: dict[str, forms.Field] = {}
    for number in range(1, PLAN_ORDERS + 1):
        fields |= {
            order_field(number, "agent"): forms.ChoiceField(
                label=f"Order {number}: agent", choices=agents, required=False
            ),
            order_field(number, "start_day"): forms.IntegerField(
                label=f"Order {number}: start day",
                required=False,
                help_text="Days after the plan starts; empty means day 0.",
            ),
            order_field(number, "dose"): forms.FloatField(
                label=f"Order {number}: dose", required=False
            ),
            order_field(number, "unit"): forms.ChoiceField(
                label=f"Order {number}: unit", choices=units, required=False
            ),
            order_field(number, "duration_days"): forms.IntegerField(
                label=f"Order {number}: days at that dose",
                required=False,
                help_text="Empty means until the end of follow-up (or the agent's own course).",
            ),
        }
        for step in range(1, MAX_TAPER_STEPS + 1):
            prefix = f"Order {number}, taper step {step}"
            fields |= {
                step_field(number, step, "dose"): forms.FloatField(
                    label=f"{prefix}: dose", required=False
                ),
                step_field(number, step, "unit"): forms.ChoiceField(
                    label=f"{prefix}: unit", choices=units, required=False
                ),
                step_field(number, step, "days"): forms.IntegerField(
                    label=f"{prefix}: days", required=False
                ),
            }
    for name, label in ADJUNCTS.items():
        fields[adjunct_field(name)] = forms.BooleanField(label=label, required=False)
    return fields


@dataclass(frozen=True)
class PlanRow:
    """One order row of the plan form, for templates that lay the rows out themselves."""

    number: int
    inputs: list[forms.BoundField]
    steps: list[list[forms.BoundField]]


class PlanFieldsForm(forms.Form):
    """The model-plan rows; ``plan_json`` turns them into the engine's plan JSON.

    Used on its own on the simulation preview page and mixed into the case's admin form.
    """

    def plan_json(self) -> dict[str, Any]:
        """The plan the rows describe; ``{}`` when no row names an agent (the engine's
        recommendation is then used). Rows without an agent are skipped."""
        data = self.cleaned_data
        orders = []
        for number in self._used_rows():
            order: dict[str, Any] = {
                "agent": data[order_field(number, "agent")],
                "start_day": data.get(order_field(number, "start_day")) or 0,
            }
            dose, unit = (
                data.get(order_field(number, "dose")),
                data.get(order_field(number, "unit")),
            )
            if dose is not None:
                order["dose"] = dose
            if unit:
                order["unit"] = unit
            if data.get(order_field(number, "duration_days")) is not None:
                order["duration_days"] = data[order_field(number, "duration_days")]
            taper = [self._step(number, step) for step in self._used_steps(number)]
            if taper:
                order["taper"] = taper
            orders.append(order)
        if not orders:
            return {}
        adjuncts = {name: bool(data.get(adjunct_field(name))) for name in ADJUNCTS}
        return {"orders": orders, "adjuncts": adjuncts}

    def _step(self, number: int, step: int) -> dict[str, Any]:
        data = self.cleaned_data
        entry = {name: data.get(step_field(number, step, name)) for name in STEP_INPUTS}
        if not entry["unit"]:
            del entry["unit"]
        return entry

    def _used_rows(self) -> list[int]:
        return [
            number
            for number in range(1, PLAN_ORDERS + 1)
            if self.cleaned_data.get(order_field(number, "agent"))
        ]

    def _used_steps(self, number: int) -> list[int]:
        return [
            step
            for step in range(1, MAX_TAPER_STEPS + 1)
            if any(
                self.cleaned_data.get(step_field(number, step, name)) not in (None, "")
                for name in STEP_INPUTS
            )
        ]

    def clean(self) -> dict[str, Any]:
        """Refuse a row with inputs but no agent, then let the engine check the plan."""
        data = super().clean() or {}
        for number in range(1, PLAN_ORDERS + 1):
            if not data.get(order_field(number, "agent")) and (
                any(data.get(order_field(number, n)) not in (None, "") for n in ORDER_INPUTS)
                or self._used_steps(number)
            ):
                self.add_error(
                    order_field(number, "agent"),
                    f"Order {number}, agent: choose one, or clear the other inputs of this row.",
                )
        return data

    def plan_check(self, patient: object = None) -> dict[str, Any] | None:
        """The checked plan JSON, or None after putting each refusal beside its input."""
        plan = self.plan_json()
        if not plan:
            return plan
        try:
            plan_from_json(plan, patient)  # type: ignore[arg-type]
        except PlanError as error:
            for problem in error.problems:
                self.add_error(self.problem_field(problem), problem.message + ".")
            return None
        return plan

    def problem_field(self, problem: PlanProblem) -> str | None:
        """The input a refusal is about; the engine counts only the rows in use."""
        rows = self._used_rows()
        if problem.order is None or problem.order > len(rows):
            name = problem.field.removeprefix("adjuncts.")
            return adjunct_field(name) if name in ADJUNCTS else None
        number = rows[problem.order - 1]
        if problem.step is not None and problem.field in STEP_INPUTS:
            return step_field(number, problem.step, problem.field)
        if problem.field in ORDER_INPUTS:
            return order_field(number, problem.field)
        return order_field(number, "agent")

    @staticmethod
    def plan_initial(plan: dict[str, Any]) -> dict[str, Any]:
        """Form values that reproduce plan JSON (the rows the form has room for)."""
        initial: dict[str, Any] = {}
        for number, order in enumerate(plan.get("orders", [])[:PLAN_ORDERS], start=1):
            for name in ORDER_INPUTS:
                initial[order_field(number, name)] = order.get(name)
            for step, entry in enumerate(order.get("taper", [])[:MAX_TAPER_STEPS], start=1):
                for name in STEP_INPUTS:
                    initial[step_field(number, step, name)] = entry.get(name)
        for name, given in plan.get("adjuncts", {}).items():
            initial[adjunct_field(name)] = given
        return initial

    def plan_rows(self) -> list[PlanRow]:
        return [
            PlanRow(
                number,
                [self[order_field(number, name)] for name in ORDER_INPUTS],
                [
                    [self[step_field(number, step, name)] for name in STEP_INPUTS]
                    for step in range(1, MAX_TAPER_STEPS + 1)
                ],
            )
            for number in range(1, PLAN_ORDERS + 1)
        ]

    def adjunct_fields(self) -> list[forms.BoundField]:
        return [self[adjunct_field(name)] for name in ADJUNCTS]


def _declare(form_class: type[forms.Form], fields: dict[str, forms.Field]) -> None:
    """Add generated fields to a form class, as if written in its body (subclasses and
    ``modelform_factory``, which admin uses, inherit declared fields)."""
    form_class.base_fields.update(fields)
    form_class.declared_fields.update(fields)


_declare(PlanFieldsForm, _plan_fields())

FINDING_NAMES = [finding.name for finding in FINDINGS]


class CaseAdminForm(PlanFieldsForm, forms.ModelForm):
    """The case with one field per engine finding and the model plan as rows.

    The findings and the plan are checked by the engine against the case's own patient (its
    youngest, shortest variant), and each refusal goes beside its field, all in one save.
    """

    engine_disease = forms.ChoiceField(
        label="Engine disease",
        choices=[("", "Choose…"), *((d.value, d.value.replace("_", " ")) for d in Disease)],
        help_text="What the patient really has, as the engine models it.",
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "slug",
            "summary",
            "learning_objectives",
            "difficulty",
            "estimated_minutes",
            "chief_complaint",
            "presenting_history",
            "presentation_source",
            "age_min",
            "age_max",
            "sex",
            "height_min_cm",
            "height_max_cm",
            "excess_weight_min_kg",
            "excess_weight_max_kg",
            "temperature_c",
            "heart_rate",
            "respiratory_rate",
            "blood_pressure",
            "engine_disease",
            "target_workup_hours",
            "model_answer",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = self.instance
        if case.pk:
            self.initial.update(case.engine_findings or {})
            self.initial.update(self.plan_initial(case.model_plan or {}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        findings = self._findings()
        patient = None
        if findings is not None and not self._demographic_errors():
            try:
                patient = case_patient(
                    findings,
                    age=data["age_min"],
                    sex=data["sex"],
                    height_cm=data["height_min_cm"],
                    disease=data["engine_disease"],
                )
            except (TypeError, ValueError) as error:
                named = str(error).split(" ", 1)[0]
                self.add_error(named if named in FINDING_NAMES else None, f"{error}.")
            else:
                self.instance.engine_findings = findings
        plan = self.plan_check(patient)
        if plan is not None:
            self.instance.model_plan = plan
        return data

    def _demographic_errors(self) -> bool:
        names = ("age_min", "sex", "height_min_cm", "engine_disease")
        return any(name in self.errors or name not in self.cleaned_data for name in names)

    def _findings(self) -> dict[str, Any] | None:
        """The findings as the engine takes them; None while one of them is refused."""
        if any(name in self.errors for name in FINDING_NAMES):
            return None
        data = self.cleaned_data
        findings: dict[str, Any] = {name: data.get(name) for name in FINDING_NAMES}
        findings["secondary_cause"] = findings["secondary_cause"] or None
        findings["culprit"] = (findings["culprit"] or "").strip()
        return findings


_declare(CaseAdminForm, {finding.name: _finding_field(finding) for finding in FINDINGS})
