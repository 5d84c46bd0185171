"""Authoring in admin: educators edit topics, questions with their choices, and quizzes.

Attempts, responses and review cards are learners' records: educators may view them
only (edu_site/roles.py grants the permissions; QuizzesConfig names the models).
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    min_num = 2


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["pk", "__str__", "kind", "difficulty", "status"]
    list_filter = ["status", "kind", "difficulty", "topics"]
    search_fields = ["stem", "explanation", "references"]
    filter_horizontal = ["topics"]
    inlines = [ChoiceInline]


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
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
