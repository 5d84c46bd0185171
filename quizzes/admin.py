"""Authoring in admin: educators edit topics, questions with their choices, and quizzes.

Attempts, responses and review cards are learners' records: educators may view them
only (edu_site/roles.py grants the permissions; QuizzesConfig names the models).
Learners' own practice and review sessions are quizzes with an owner; they never
appear in the quiz admin, and the owner cannot be chosen there.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join

from quizzes import bank, scoring, selectors
from quizzes.exchange import ExchangeError
from quizzes.forms import QuestionExportForm, QuestionImportForm
from quizzes.item_writing import CHECKS
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

    list_display = ["pk", "__str__", "kind", "difficulty", "status", "version", "checks"]
    list_filter = ["status", "kind", "difficulty", "topics"]
    search_fields = ["stem", "explanation", "references"]
    filter_horizontal = ["topics"]
    readonly_fields = ["item_writing", "preview", "family", "version", "previous_version"]
    inlines = [ChoiceInline]
    change_list_template = "admin/quizzes/question/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).prefetch_related("choices")

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="quizzes_question_import"),
            path("export/", wrap(self.export_view), name="quizzes_question_export"),
            path("report/", wrap(self.report_view), name="quizzes_question_report"),
            path(
                "<int:question_id>/preview/",
                wrap(self.preview_view),
                name="quizzes_question_preview",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Item-writing checks")
    def checks(self, question: Question) -> str:
        count = len(question.item_writing_warnings())
        return f"{count} warning{'s' if count != 1 else ''}" if count else "—"

    @admin.display(description="Item-writing checks")
    def item_writing(self, question: Question) -> str:
        if question.pk is None:
            return "Shown once the question is saved."
        warnings = question.item_writing_warnings()
        if not warnings:
            return "No item-writing flaw found."
        return format_html_join(
            "",
            '<p class="item-warning"><strong>{}</strong>: {}</p>',
            ((CHECKS[w.code], w.message) for w in warnings),
        )

    @admin.display(description="Learner's view")
    def preview(self, question: Question) -> str:
        if question.pk is None:
            return "—"
        url = reverse("admin:quizzes_question_preview", args=[question.pk])
        return format_html('<a href="{}">Preview as a learner sees it</a>', url)

    def preview_view(self, request: HttpRequest, question_id: int) -> HttpResponse:
        """The question in the learner's page layout; ticking and checking shows feedback."""
        question = get_object_or_404(Question.objects.prefetch_related("choices"), pk=question_id)
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        choices = list(question.choices.all())
        chosen = {int(v) for v in request.GET.getlist("choice") if v.isdigit()}
        fraction = None
        if chosen:
            fraction = scoring.answer_fraction(
                kind=question.kind,
                correct_ids=[c.pk for c in choices if c.is_correct],
                all_ids=[c.pk for c in choices],
                chosen_ids=chosen,
            )
        context = {"question": question, "choices": choices, "chosen": chosen, "fraction": fraction}
        return render(request, "admin/quizzes/question/preview.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a Moodle XML or GIFT file; the report lists every question's fate."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuestionImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > bank.IMPORT_MAX_BYTES:
                    raise ExchangeError(
                        f"The file is larger than {bank.IMPORT_MAX_BYTES // 1048576} MB; "
                        "nothing was imported."
                    )
                report = bank.questions_import(
                    data=upload.read(),
                    file_format=form.cleaned_data["format"] or None,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ExchangeError as error:
                form.add_error("file", str(error))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import questions",
            "form": form,
            "report": report,
        }
        return render(request, "admin/quizzes/question/import.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = QuestionExportForm(request.GET or None)
        if form.is_valid():
            file_format = form.cleaned_data["format"]
            data = bank.questions_export(file_format=file_format, topic=form.cleaned_data["topic"])
            extension = "xml" if file_format == bank.Format.MOODLE_XML else "txt"
            response = HttpResponse(
                data, content_type="application/xml" if extension == "xml" else "text/plain"
            )
            response["Content-Disposition"] = f'attachment; filename="question-bank.{extension}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Export questions",
            "form": form,
        }
        return render(request, "admin/quizzes/question/export.html", context)

    def report_view(self, request: HttpRequest) -> HttpResponse:
        """The bank report for educators: how many questions each check flags, and which."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report, checked = selectors.bank_item_writing()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Item-writing report",
            "report": report,
            "rows": [(label, report.counts[code]) for code, label in CHECKS.items()],
            "flagged": [(q, w) for q, w in checked if w],
            "labels": CHECKS,
        }
        return render(request, "admin/quizzes/question/report.html", context)

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
