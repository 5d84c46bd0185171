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
class OrderRow:
    """One order's inputs as the plan form lays them out: a fieldset per order."""

    number: int
    agent: forms.BoundField
    start_day: forms.BoundField | None
    dose: forms.BoundField
    unit: forms.BoundField
    duration_days: forms.BoundField
    preview: str = ""
    """The milligrams the row's dose means for this patient, shown before any typing."""

    @property
    def legend(self) -> str:
        return "Order 1: main treatment" if self.number == 1 else f"Order {self.number}"

    @property
    def preview_id(self) -> str:
        """The dose preview's element id; the first keeps the id it has always had."""
        return "dose-preview" if self.number == 1 else f"dose-preview-{self.number}"


def additional_field(number: int, name: str) -> str:
    """Form field name of input ``name`` of order ``number`` (2 or more)."""
    return f"order_{number}_{name}"


ADDITIONAL_ORDER_NUMBERS = range(2, MAX_ADDITIONAL_ORDERS + 2)
UNITS = [(unit.value, unit.value) for unit in DoseUnit]


@dataclass(frozen=True)
class TaperRow:
    """One taper step's inputs (dose, its own unit, days) and its milligrams for the patient."""

    step: int
    dose: forms.BoundField
    unit: forms.BoundField
    days: forms.BoundField
    preview_id: str
    preview: str


class PlanForm(forms.Form):
    """The main order with its taper, up to two further orders, and the adjuncts.

    The main order's fields keep their first names (agent, dose, …); further orders are
    ``order_N_…`` and count only when a treatment is chosen. Each taper step chooses its own
    unit (blank: the order's). Rules live in the engine, reached through ``plans.plan_build``;
    ``add_plan_error`` puts its refusal on the row. With ``patient`` every dose row shows
    its milligrams for that patient as the page is drawn, not only once the learner types.
    """

    agent = forms.ChoiceField(label="Agent")
    dose = forms.FloatField(label="Starting dose", required=False)
    unit = forms.ChoiceField(label="Unit", choices=UNITS)
    duration_days = forms.IntegerField(label="Full-dose duration (days)", required=False)

    def __init__(
        self, *args: Any, content: CaseContent, patient: Patient | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        therapies = [(t["agent"], t["name"]) for t in content.therapies]
        cast(forms.ChoiceField, self.fields["agent"]).choices = therapies
        for step in range(1, MAX_TAPER_STEPS + 1):
            self.fields[f"taper_dose_{step}"] = forms.FloatField(
                label=f"Step {step} dose", required=False
            )
            self.fields[f"taper_unit_{step}"] = forms.ChoiceField(
                label=f"Step {step} unit",
                required=False,
                choices=[("", "the order's unit"), *UNITS],
            )
            self.fields[f"taper_days_{step}"] = forms.IntegerField(
                label=f"Step {step} days", required=False
            )
        for number in ADDITIONAL_ORDER_NUMBERS:
            self._add_order_fields(number, therapies)
        for name, label in ADJUNCTS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def _add_order_fields(self, number: int, therapies: list[tuple[str, str]]) -> None:
        """Labels differ from the main order's so each label names one input on the page."""
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
        for name, field in fields.items():
            self.fields[additional_field(number, name)] = field

    @staticmethod
    def initial_for(plan: Plan) -> dict[str, Any]:
        """Form values that reproduce ``plan`` (written from its day 0), for a revision form
        that starts from the current plan. The main order is the first one on day 0; what
        the form has no room for (a fourth order, a seventh step) is left out."""
        if not plan.orders:
            return {}
        main = next((o for o in plan.orders if o.start_day == 0), plan.orders[0])
        initial: dict[str, Any] = {
            "agent": main.agent,
            "dose": main.dose,
            "unit": main.unit.value if main.unit else DoseUnit.MG_PER_KG_PER_DAY.value,
            "duration_days": main.duration_days,
            **plan.adjuncts.to_dict(),
        }
        for step, taper in enumerate(main.taper[:MAX_TAPER_STEPS], start=1):
            initial[f"taper_dose_{step}"] = taper.dose
            own_unit = taper.unit is not None and taper.unit != main.unit
            initial[f"taper_unit_{step}"] = taper.unit.value if taper.unit and own_unit else ""
            initial[f"taper_days_{step}"] = taper.days
        others = [o for o in plan.orders if o is not main]
        for number, order in zip(ADDITIONAL_ORDER_NUMBERS, others, strict=False):
            initial |= {
                additional_field(number, "agent"): order.agent,
                additional_field(number, "start_day"): order.start_day,
                additional_field(number, "dose"): order.dose,
                additional_field(number, "unit"): order.unit.value if order.unit else "",
                additional_field(number, "duration_days"): order.duration_days,
            }
        return initial

    def order_rows(self) -> list[OrderRow]:
        main = OrderRow(
            1,
            self["agent"],
            None,
            self["dose"],
            self["unit"],
            self["duration_days"],
            self._preview(self["agent"], self["dose"], self["unit"]),
        )
        return [main, *(self._additional_row(number) for number in ADDITIONAL_ORDER_NUMBERS)]

    def _additional_row(self, number: int) -> OrderRow:
        def bound(name: str) -> forms.BoundField:
            return self[additional_field(number, name)]

        return OrderRow(
            number,
            bound("agent"),
            bound("start_day"),
            bound("dose"),
            bound("unit"),
            bound("duration_days"),
            self._preview(bound("agent"), bound("dose"), bound("unit")),
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

    def taper_rows(self) -> list[TaperRow]:
        """Each step with its own unit; a blank unit is the main order's."""
        rows = []
        for step in range(1, MAX_TAPER_STEPS + 1):
            dose, unit = self[f"taper_dose_{step}"], self[f"taper_unit_{step}"]
            shown_unit = unit if unit.value() else self["unit"]
            rows.append(
                TaperRow(
                    step,
                    dose,
                    unit,
                    self[f"taper_days_{step}"],
                    self.taper_preview_id(step),
                    self._preview(self["agent"], dose, shown_unit),
                )
            )
        return rows

    @staticmethod
    def taper_preview_id(step: int) -> str:
        """The element that shows taper step ``step``'s milligrams for this patient."""
        return f"taper-preview-{step}"

    def adjunct_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ADJUNCTS]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for step in range(1, MAX_TAPER_STEPS + 1):
            dose, days = data.get(f"taper_dose_{step}"), data.get(f"taper_days_{step}")
            if (dose is None) != (days is None):
                raise forms.ValidationError(f"Taper step {step} needs both a dose and a length.")
        for number in ADDITIONAL_ORDER_NUMBERS:
            filled = any(
                data.get(additional_field(number, name)) is not None
                for name in ("start_day", "dose", "duration_days")
            )
            if filled and not data.get(additional_field(number, "agent")):
                self.add_error(
                    additional_field(number, "agent"),
                    f"Choose a treatment for order {number}, or clear its other fields.",
                )
        return data

    def _used_order_numbers(self) -> list[int]:
        """The orders the learner filled in, in page order: blank rows are skipped."""
        data = self.cleaned_data
        return [1] + [n for n in ADDITIONAL_ORDER_NUMBERS if data[additional_field(n, "agent")]]

    def plan_input(self) -> PlanInput:
        data = self.cleaned_data
        taper = [
            TaperInput(
                data[f"taper_dose_{step}"],
                data[f"taper_days_{step}"],
                data.get(f"taper_unit_{step}") or None,
            )
            for step in range(1, MAX_TAPER_STEPS + 1)
            if data.get(f"taper_dose_{step}") is not None
        ]
        return PlanInput(
            agent=data["agent"],
            dose=data.get("dose"),
            unit=data["unit"],
            duration_days=data.get("duration_days"),
            taper=taper,
            adjuncts={name: bool(data.get(name)) for name in ADJUNCTS},
            additional_orders=[
                self._additional_order(number) for number in self._used_order_numbers()[1:]
            ],
        )

    def _additional_order(self, number: int) -> OrderInput:
        def value(name: str) -> Any:
            return self.cleaned_data[additional_field(number, name)]

        return OrderInput(
            agent=value("agent"),
            dose=value("dose"),
            unit=value("unit") or None,
            duration_days=value("duration_days"),
            start_day=0 if value("start_day") is None else value("start_day"),
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
        name = error.field if number == 1 else additional_field(number, error.field)
        if name not in self.fields:
            name = "agent" if number == 1 else additional_field(number, "agent")
        self.add_error(name, str(error))
