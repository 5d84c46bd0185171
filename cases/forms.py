"""Forms parse and label the player's inputs; the rules they feed live in services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms

from cases.content import CaseContent
from cases.errors import AttemptError
from cases.models import DiagnosisSubmission
from cases.plans import (
    MAX_ADDITIONAL_ORDERS,
    MAX_TAPER_STEPS,
    OrderInput,
    PlanError,
    PlanInput,
    TaperInput,
    dose_preview_text,
)
from cases.services import CLOCK_STEPS_HOURS
from cases.simulation import DoseUnit, Patient, Plan
from cases.snapshot import DiagnosisEntry

ADJUNCTS = {
    "pneumocystis_prophylaxis": "Pneumocystis prophylaxis (while the dose is above 20 mg/day)",
    "bone_protection": "Bone protection",
    "glucose_monitoring": "Glucose monitoring",
    "blood_pressure_monitoring": "Blood-pressure monitoring",
}


class TestOrderForm(forms.Form):
    investigations = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label="Tests to order"
    )

    def __init__(self, *args: Any, content: CaseContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["investigations"]).choices = [
            (i["key"], i["name"]) for i in content.investigations
        ]
        self.fields["investigations"].error_messages["invalid_choice"] = (
            "%(value)s is not in this case's test catalog."
        )


class ClockForm(forms.Form):
    hours = forms.TypedChoiceField(
        choices=[
            ("next", "Until the next result"),
            *((h, f"{h} hours") for h in CLOCK_STEPS_HOURS),
        ],
        coerce=lambda value: None if value == "next" else int(value),
    )


class AnswerForm(forms.Form):
    question = forms.SlugField()
    options = forms.MultipleChoiceField(choices=(), required=False)

    def __init__(self, *args: Any, content: CaseContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["options"]).choices = [
            (option["key"], option["text"])
            for question in content.questions
            for option in question["options"]
        ]


class DiagnosisForm(forms.Form):
    """Primary diagnosis, confidence and a likelihood for every other diagnosis offered.

    ``diagnoses`` come in the attempt's own order (``selectors.diagnoses_in_attempt_order``).
    """

    primary = forms.ChoiceField(
        label="Primary diagnosis", widget=forms.Select(attrs={"data-primary-diagnosis": ""})
    )
    confidence = forms.IntegerField(
        label="How confident are you in it? (percent)", min_value=0, max_value=100
    )

    def __init__(self, *args: Any, diagnoses: list[DiagnosisEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["primary"]).choices = [("", "Choose…")] + [
            (d["key"], d["name"]) for d in diagnoses
        ]
        for diagnosis in diagnoses:
            self.fields[f"ddx_{diagnosis['key']}"] = forms.ChoiceField(
                label=diagnosis["name"],
                required=False,
                choices=[("", "Not considered"), *DiagnosisSubmission.Likelihood.choices],
                widget=forms.Select(attrs={"data-ddx-of": diagnosis["key"]}),
            )

    def differential_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("ddx_")]

    def differential(self) -> dict[str, str]:
        return {
            name.removeprefix("ddx_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("ddx_") and value
        }


@dataclass(frozen=True)
class TaperRow:
    """One taper step's inputs (dose, its own unit, days) and its milligrams for the patient."""

    step: int
    dose: forms.BoundField
    unit: forms.BoundField
    days: forms.BoundField
    preview_id: str
    preview: str


@dataclass(frozen=True)
class OrderRow:
    """One order's inputs as the plan form lays them out: a fieldset per order, its taper
    steps inside it."""

    number: int
    agent: forms.BoundField
    start_day: forms.BoundField
    dose: forms.BoundField
    unit: forms.BoundField
    duration_days: forms.BoundField
    taper: list[TaperRow]
    preview: str = ""
    """The milligrams the row's dose means for this patient, shown before any typing."""

    @property
    def legend(self) -> str:
        return "Order 1: main treatment" if self.number == 1 else f"Order {self.number}"

    @property
    def preview_id(self) -> str:
        """The dose preview's element id; the first keeps the id it has always had."""
        return "dose-preview" if self.number == 1 else f"dose-preview-{self.number}"


def order_field(number: int, name: str) -> str:
    """Form field name of input ``name`` of order ``number``: order 1's inputs keep their
    first names (agent, dose, taper_dose_1, …), later orders' are ``order_N_…``."""
    return name if number == 1 else f"order_{number}_{name}"


def taper_preview_id(number: int, step: int) -> str:
    """The element that shows taper step ``step``'s milligrams for this patient; order 1's
    steps keep the ids they have always had."""
    return f"taper-preview-{step}" if number == 1 else f"taper-preview-{number}-{step}"


ORDER_NUMBERS = range(1, MAX_ADDITIONAL_ORDERS + 2)
UNITS = [(unit.value, unit.value) for unit in DoseUnit]
TAPER_INPUTS = ("dose", "unit", "days")


class PlanForm(forms.Form):
    """Up to three orders, each with its start day and its own taper, and the adjuncts.

    Order 1's fields keep their first names (agent, dose, …); further orders are
    ``order_N_…`` and count only when a treatment is chosen. Every order may start on a
    later day and taper after its full dose (a pulse on days 0-2, then prednisone from
    day 3 with its taper); each taper step chooses its own unit (blank: the order's).
    Rules live in the engine, reached through ``plans.plan_build``; ``add_plan_error``
    puts its refusal beside the input of the order it names. With ``patient`` every dose
    row shows its milligrams for that patient as the page is drawn, not only once the
    learner types.
    """

    def __init__(
        self, *args: Any, content: CaseContent, patient: Patient | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        therapies = [(t["agent"], t["name"]) for t in content.therapies]
        for number in ORDER_NUMBERS:
            self._add_order_fields(number, therapies)
        for name, label in ADJUNCTS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def _add_order_fields(self, number: int, therapies: list[tuple[str, str]]) -> None:
        """Order 1's labels differ from the others' so that each names one input on the
        page; the fieldset's legend tells orders 2 and 3 apart."""
        if number == 1:
            fields: dict[str, forms.Field] = {
                "agent": forms.ChoiceField(label="Agent", choices=therapies),
                "start_day": forms.IntegerField(label="Starts on day", required=False),
                "dose": forms.FloatField(label="Starting dose", required=False),
                "unit": forms.ChoiceField(label="Unit", choices=UNITS),
                "duration_days": forms.IntegerField(
                    label="Full-dose duration (days)", required=False
                ),
            }
        else:
            fields = {
                "agent": forms.ChoiceField(
                    label="Treatment", required=False, choices=[("", "None"), *therapies]
                ),
                "start_day": forms.IntegerField(label="Start day", required=False),
                "dose": forms.FloatField(label="Dose", required=False),
                "unit": forms.ChoiceField(
                    label="Dose in", required=False, choices=[("", "its usual unit"), *UNITS]
                ),
                "duration_days": forms.IntegerField(label="Duration (days)", required=False),
            }
        for step in range(1, MAX_TAPER_STEPS + 1):
            labels = {
                name: f"Step {step} {name}"
                if number == 1
                else f"Order {number}: {name} of step {step}"
                for name in TAPER_INPUTS
            }
            fields[f"taper_dose_{step}"] = forms.FloatField(label=labels["dose"], required=False)
            fields[f"taper_unit_{step}"] = forms.ChoiceField(
                label=labels["unit"], required=False, choices=[("", "the order's unit"), *UNITS]
            )
            fields[f"taper_days_{step}"] = forms.IntegerField(label=labels["days"], required=False)
        for name, field in fields.items():
            self.fields[order_field(number, name)] = field

    @staticmethod
    def initial_for(plan: Plan) -> dict[str, Any]:
        """Form values that reproduce ``plan`` (written from its day 0), order by order in
        the plan's own sequence, for a revision form that starts from the current plan.
        What the form has no room for (a fourth order, a seventh step) is left out."""
        initial: dict[str, Any] = {}
        for number, order in zip(ORDER_NUMBERS, plan.orders, strict=False):
            unit = order.unit.value if order.unit else ""
            if number == 1 and not unit:
                unit = DoseUnit.MG_PER_KG_PER_DAY.value
            values: dict[str, Any] = {
                "agent": order.agent,
                "start_day": order.start_day,
                "dose": order.dose,
                "unit": unit,
                "duration_days": order.duration_days,
            }
            for step, taper in enumerate(order.taper[:MAX_TAPER_STEPS], start=1):
                own_unit = taper.unit is not None and taper.unit != order.unit
                values |= {
                    f"taper_dose_{step}": taper.dose,
                    f"taper_unit_{step}": taper.unit.value if taper.unit and own_unit else "",
                    f"taper_days_{step}": taper.days,
                }
            initial |= {order_field(number, name): value for name, value in values.items()}
        if plan.orders:
            initial |= plan.adjuncts.to_dict()
        return initial

    def order_rows(self) -> list[OrderRow]:
        return [self._order_row(number) for number in ORDER_NUMBERS]

    def _order_row(self, number: int) -> OrderRow:
        def bound(name: str) -> forms.BoundField:
            return self[order_field(number, name)]

        agent, unit = bound("agent"), bound("unit")
        taper = []
        for step in range(1, MAX_TAPER_STEPS + 1):
            dose, step_unit = bound(f"taper_dose_{step}"), bound(f"taper_unit_{step}")
            taper.append(
                TaperRow(
                    step,
                    dose,
                    step_unit,
                    bound(f"taper_days_{step}"),
                    taper_preview_id(number, step),
                    self._preview(agent, dose, step_unit if step_unit.value() else unit),
                )
            )
        return OrderRow(
            number,
            agent,
            bound("start_day"),
            bound("dose"),
            unit,
            bound("duration_days"),
            taper,
            self._preview(agent, bound("dose"), unit),
        )

    def _preview(
        self, agent: forms.BoundField, dose: forms.BoundField, unit: forms.BoundField
    ) -> str:
        """The row's milligrams for the form's patient; empty without one or without a dose."""
        if self.patient is None or dose.value() in (None, ""):
            return ""
        return dose_preview_text(
            patient=self.patient, agent=agent.value(), dose=dose.value(), unit=unit.value()
        )

    def adjunct_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ADJUNCTS]

    def clean(self) -> dict[str, Any]:
        super().clean()
        for number in ORDER_NUMBERS:
            self._check_order(number)
        return self.cleaned_data

    def _check_order(self, number: int) -> None:
        """Each taper step needs both a dose and a length; a further order with anything
        written in it needs a treatment. The message goes beside the input to fill in."""

        def value(name: str) -> Any:
            return self.cleaned_data.get(order_field(number, name))

        written = [value(name) for name in ("start_day", "dose", "duration_days")]
        for step in range(1, MAX_TAPER_STEPS + 1):
            dose, days = value(f"taper_dose_{step}"), value(f"taper_days_{step}")
            written += [dose, days]
            if (dose is None) != (days is None):
                missing = "taper_dose" if dose is None else "taper_days"
                self.add_error(
                    order_field(number, f"{missing}_{step}"),
                    f"Taper step {step} needs both a dose and a length.",
                )
        if number > 1 and not value("agent") and any(v is not None for v in written):
            self.add_error(
                order_field(number, "agent"),
                f"Choose a treatment for order {number}, or clear its other fields.",
            )

    def _used_order_numbers(self) -> list[int]:
        """The orders the learner filled in, in page order: blank rows are skipped."""
        data = self.cleaned_data
        return [n for n in ORDER_NUMBERS if data.get(order_field(n, "agent"))]

    def plan_input(self) -> PlanInput:
        adjuncts = {name: bool(self.cleaned_data.get(name)) for name in ADJUNCTS}
        orders = [self._order_input(number) for number in self._used_order_numbers()]
        return PlanInput.from_orders(orders, adjuncts)

    def _order_input(self, number: int) -> OrderInput:
        def value(name: str) -> Any:
            return self.cleaned_data.get(order_field(number, name))

        taper = [
            TaperInput(
                value(f"taper_dose_{step}"),
                value(f"taper_days_{step}"),
                value(f"taper_unit_{step}") or None,
            )
            for step in range(1, MAX_TAPER_STEPS + 1)
            if value(f"taper_dose_{step}") is not None
        ]
        return OrderInput(
            agent=value("agent"),
            dose=value("dose"),
            unit=value("unit") or None,
            duration_days=value("duration_days"),
            start_day=value("start_day") or 0,
            taper=taper,
        )

    def add_plan_error(self, error: AttemptError) -> None:
        """Show a refusal beside the input it names, in the row of the order it is about.

        The service numbers the orders it was given, so blank rows are skipped when
        mapping back; a message about the whole plan goes above the form.
        """
        if not isinstance(error, PlanError) or error.order is None:
            self.add_error(None, str(error))
            return
        number = self._used_order_numbers()[error.order - 1]
        name = order_field(number, error.field)
        if name not in self.fields:
            name = order_field(number, "agent")
        self.add_error(name, str(error))
