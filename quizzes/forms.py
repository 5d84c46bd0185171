"""Input forms: they check types and ranges only; the rules live in services.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms

from quizzes.bank import Format
from quizzes.models import Topic
from quizzes.services import PRACTICE_MAX_QUESTIONS, Pool

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from quizzes.models import Topic
    from quizzes.selectors import QuestionCount


class PracticeForm(forms.Form):
    topics = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to practise every topic.",
    )
    count = forms.IntegerField(
        label="Number of questions", min_value=1, max_value=PRACTICE_MAX_QUESTIONS, initial=10
    )
    pool = forms.ChoiceField(
        label="Which questions", choices=Pool.CHOICES, initial=Pool.ALL, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args: Any,
        topics: Sequence[WithAnnotations[Topic, QuestionCount]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["topics"]).choices = [
            (str(topic.pk), f"{topic} ({topic.question_count})") for topic in topics
        ]


class QuestionImportForm(forms.Form):
    file = forms.FileField(help_text="A Moodle XML (.xml) or GIFT (.txt, .gift) file, up to 5 MB.")
    format = forms.ChoiceField(
        choices=[("", "Recognise from the content"), *Format.CHOICES], required=False
    )
    dry_run = forms.BooleanField(required=False, label="Dry run: show the report, import nothing")


class QuestionExportForm(forms.Form):
    format = forms.ChoiceField(choices=Format.CHOICES)
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(), required=False, empty_label="Every topic"
    )
