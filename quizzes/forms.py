"""Input forms: they check types and ranges only; the rules live in services.py."""

from django import forms

from quizzes.models import Topic
from quizzes.services import PRACTICE_MAX_QUESTIONS, Pool


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

    def __init__(self, *args: object, topics: list[Topic], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [
            (str(topic.pk), f"{topic} ({topic.question_count})") for topic in topics
        ]
