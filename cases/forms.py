"""Forms parse and label the player's inputs; the rules they feed live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.content import CaseContent
from cases.models import DiagnosisSubmission
from cases.services import CLOCK_STEPS_HOURS, MAX_TAPER_STEPS, PlanInput
from cases.simulation import DoseUnit

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
        self.fields["investigations"].choices = [
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
        self.fields["options"].choices = [
            (option["key"], option["text"])
            for question in content.questions
            for option in question["options"]
        ]


class DiagnosisForm(forms.Form):
    """Primary diagnosis, confidence and a likelihood for every other diagnosis offered."""

    primary = forms.ChoiceField(label="Primary diagnosis")
    confidence = forms.IntegerField(
        label="How confident are you in it? (percent)", min_value=0, max_value=100
    )

    def __init__(self, *args: Any, content: CaseContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content = content
        self.fields["primary"].choices = [("", "Choose…")] + [
            (d["key"], d["name"]) for d in content.diagnoses
        ]
        for diagnosis in content.diagnoses:
            self.fields[f"ddx_{diagnosis['key']}"] = forms.ChoiceField(
                label=diagnosis["name"],
                required=False,
                choices=[("", "Not considered"), *DiagnosisSubmission.Likelihood.choices],
            )

    def differential_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("ddx_")]

    def differential(self) -> dict[str, str]:
        return {
            name.removeprefix("ddx_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("ddx_") and value
        }


class PlanForm(forms.Form):
    """One main order with its taper, and the adjuncts; the mg shown come from the engine."""

    agent = forms.ChoiceField(label="Agent")
    dose = forms.FloatField(label="Starting dose", required=False)
    unit = forms.ChoiceField(label="Unit", choices=[(u.value, u.value) for u in DoseUnit])
    duration_days = forms.IntegerField(label="Full-dose duration (days)", required=False)

    def __init__(self, *args: Any, content: CaseContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [(t["agent"], t["name"]) for t in content.therapies]
        for step in range(1, MAX_TAPER_STEPS + 1):
            self.fields[f"taper_dose_{step}"] = forms.FloatField(
                label=f"Step {step} dose", required=False
            )
            self.fields[f"taper_days_{step}"] = forms.IntegerField(
                label=f"Step {step} days", required=False
            )
        for name, label in ADJUNCTS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def taper_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (step, self[f"taper_dose_{step}"], self[f"taper_days_{step}"])
            for step in range(1, MAX_TAPER_STEPS + 1)
        ]

    def adjunct_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ADJUNCTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for step in range(1, MAX_TAPER_STEPS + 1):
            dose, days = data.get(f"taper_dose_{step}"), data.get(f"taper_days_{step}")
            if (dose is None) != (days is None):
                raise forms.ValidationError(f"Taper step {step} needs both a dose and a length.")
        return data

    def plan_input(self) -> PlanInput:
        data = self.cleaned_data
        taper = [
            (data[f"taper_dose_{step}"], data[f"taper_days_{step}"])
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
        )
