"""Input forms: they check types and ranges only; the rules live in services.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from cases.models import Case
from edu_site.classes.models import Assignment, Class, ClassGroup, Dates, Term
from quizzes.models import Quiz

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date-and-time picker; without it, the same text still parses."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


class ClassForm(forms.Form):
    name = forms.CharField(max_length=200)
    term = forms.ModelChoiceField(
        queryset=Term.objects.none(), required=False, empty_label="A new term (below)"
    )
    new_term_name = forms.CharField(max_length=120, required=False, label="New term's name")
    new_term_starts_on = forms.DateField(
        required=False, label="Starts on", widget=forms.DateInput(attrs={"type": "date"})
    )
    new_term_ends_on = forms.DateField(
        required=False, label="Ends on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        term = cast(forms.ModelChoiceField, self.fields["term"])
        term.queryset = Term.objects.filter(ends_on__gte=timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("term") is None:
            needed = ("new_term_name", "new_term_starts_on", "new_term_ends_on")
            if not all(data.get(name) for name in needed):
                raise forms.ValidationError("Choose a term, or give the new term's name and dates.")
        return data


class JoinForm(forms.Form):
    code = forms.CharField(max_length=40, label="Class code")


class LearnerAddForm(forms.Form):
    identifier = forms.CharField(max_length=254, label="Username or e-mail")


class RosterForm(forms.Form):
    roster = forms.FileField(
        label="Roster (CSV)", help_text="One username or e-mail address a line, first column."
    )


class GroupForm(forms.Form):
    name = forms.CharField(max_length=120, label="Group name")


class DatesForm(forms.Form):
    opens_at = forms.DateTimeField(label="Opens", widget=DateTimeInput())
    due_at = forms.DateTimeField(label="Due", widget=DateTimeInput())
    closes_at = forms.DateTimeField(label="Closes", widget=DateTimeInput())

    def dates(self) -> Dates:
        data = self.cleaned_data
        return Dates(data["opens_at"], data["due_at"], data["closes_at"])


class AssignmentForm(DatesForm):
    item = forms.ChoiceField(label="Case or quiz")
    attempts_allowed = forms.IntegerField(
        min_value=0, max_value=100, initial=1, help_text="0 for unlimited."
    )
    counts = forms.ChoiceField(
        label="Which attempt counts", choices=Assignment.Counts.choices, initial="best"
    )
    field_order = ["item", "opens_at", "due_at", "closes_at", "attempts_allowed", "counts"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = Case.objects.filter(status=Case.Status.PUBLISHED).order_by("title")
        quizzes = Quiz.objects.filter(is_published=True, owner__isnull=True).order_by("title")
        cast(forms.ChoiceField, self.fields["item"]).choices = [
            ("Cases", [(f"case:{case.pk}", case.title) for case in cases]),
            ("Quizzes", [(f"quiz:{quiz.pk}", quiz.title) for quiz in quizzes]),
        ]
        self.cases = {case.pk: case for case in cases}
        self.quizzes = {quiz.pk: quiz for quiz in quizzes}

    def target(self) -> dict[str, Any]:
        """The chosen case or quiz, as the service's keyword arguments."""
        kind, pk = self.cleaned_data["item"].split(":")
        if kind == "case":
            return {"case": self.cases[int(pk)]}
        return {"quiz": self.quizzes[int(pk)]}


class GroupDatesForm(DatesForm):
    assignment = forms.ModelChoiceField(queryset=Assignment.objects.none())
    group = forms.ModelChoiceField(queryset=ClassGroup.objects.none())
    field_order = ["assignment", "group", "opens_at", "due_at", "closes_at"]

    def __init__(self, *args: Any, klass: Class, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignment = cast(forms.ModelChoiceField, self.fields["assignment"])
        assignment.queryset = klass.assignments.select_related("case", "quiz")
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = klass.groups.all()
