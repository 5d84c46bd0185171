"""Authoring in admin: educators edit topics, questions with their choices, and quizzes.

Attempts, responses and review cards are learners' records: educators may view them
only (edu_site/roles.py grants the permissions; QuizzesConfig names the models).
Learners' own practice and review sessions are quizzes with an owner; they never
appear in the quiz admin, and the owner cannot be chosen there.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from quizzes import bank
from quizzes.models import (
    Attempt,
    Choice,
    Question,
    Quiz,
    QuizQuestion,
    Response,
    ReviewCard,
    Topic,
)
from quizzes.validation import OptionDraft, question_problems


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ChoiceFormSet(BaseInlineFormSet):
    """Checks the question with its options by the bank's one set of rules, all at once."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        options = [
            OptionDraft(
                text=form.cleaned_data["text"],
                is_correct=form.cleaned_data.get("is_correct", False),
                explanation=form.cleaned_data.get("explanation", ""),
            )
            for form in self.forms
            if form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")
        ]
        problems = question_problems(
            kind=self.instance.kind, options=options, references=self.instance.references
        )
        if problems:
            raise ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet

    def get_extra(self, request: HttpRequest, obj: Question | None = None, **kwargs: object) -> int:
        return 0 if obj else 4

    def has_change_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return super().has_change_permission(request, obj) and not _superseded(obj)

    def has_add_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return super().has_add_permission(request, obj) and not _superseded(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not _superseded(obj)


def _superseded(question: Question | None) -> bool:
    return question is not None and question.is_superseded


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Questions with their options; an edit of an answered question makes a new version.

    The new version is decided in `save_related`, where the options' formset is at hand:
    `save_model` leaves an answered question unsaved, and `save_related` then either saves
    it in place (nothing a learner sees changed: status, difficulty, topics) or hands the
    edit to `bank.question_version_create`, which keeps the old row as learners saw it.
    """

    list_display = ["pk", "__str__", "kind", "difficulty", "status", "version"]
    list_filter = ["status", "kind", "difficulty", "topics"]
    search_fields = ["stem", "explanation", "references"]
    filter_horizontal = ["topics"]
    readonly_fields = ["family", "version", "previous_version"]
    inlines = [ChoiceInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Question | None = None) -> list[str]:
        if _superseded(obj):
            return [field.name for field in Question._meta.fields] + ["topics"]
        return list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: Question, form: forms.ModelForm, change: bool
    ) -> None:
        if change and bank.question_is_answered(question_id=obj.pk):
            return
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool
    ) -> None:
        question = form.instance
        if not (change and bank.question_is_answered(question_id=question.pk)):
            return super().save_related(request, form, formsets, change)
        choice_formset = next(formset for formset in formsets if formset.model is Choice)
        content_changed = bool(Question.CONTENT_FIELDS & set(form.changed_data))
        if not (content_changed or choice_formset.has_changed()):
            question.save()
            return super().save_related(request, form, formsets, change)
        choice_formset.save(commit=False)  # records what changed, for the history entry
        kept = [
            choice_form.instance
            for choice_form in choice_formset.forms
            if choice_form not in choice_formset.deleted_forms
            and (choice_form.instance.pk or choice_form.has_changed())
        ]
        previous_version = question.version
        bank.question_version_create(
            edited=question, choices=kept, topics=form.cleaned_data["topics"]
        )
        self.message_user(
            request,
            f"Learners have answered version {previous_version}, so this edit is saved as "
            f"version {question.version}; their attempts keep version {previous_version}.",
            messages.INFO,
        )
        return None


class QuizQuestionForm(forms.ModelForm):
    class Meta:
        model = QuizQuestion
        fields = ["question", "order"]

    def clean_question(self) -> Question:
        question = self.cleaned_data["question"]
        if "question" in self.changed_data and question.status != Question.Status.READY:
            raise ValidationError(
                f"Question #{question.pk} is {question.get_status_display().lower()}: "
                "only ready questions can join a quiz."
            )
        return question


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    form = QuizQuestionForm
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "mode", "selection", "time_limit_minutes", "is_published", "stats"]
    list_filter = ["mode", "is_published", "certainty_based_marking"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["draw_topics"]
    inlines = [QuizQuestionInline]
    exclude = ["owner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        """Shared quizzes only: learners' practice and review sessions are theirs."""
        return super().get_queryset(request).filter(owner__isnull=True)

    @admin.display(description="Item analysis")
    def stats(self, quiz: Quiz) -> str:
        return format_html(
            '<a href="{}">statistics</a>', reverse("quizzes:statistics", args=[quiz.slug])
        )


RESPONSE_FIELDS = (
    "position",
    "question",
    "fraction",
    "marks",
    "confidence",
    "flagged",
    "answered_at",
)


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = RESPONSE_FIELDS
    readonly_fields = RESPONSE_FIELDS
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "number", "state", "score", "max_score", "started_at"]
    list_filter = ["state", "quiz"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "quiz__title"]
    inlines = [ResponseInline]


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "due", "reviews", "lapses", "last_rating"]
    list_select_related = ["user", "question"]
    search_fields = ["user__username"]
