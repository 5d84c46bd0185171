"""Classes in admin, for staff: educators work on the class pages, admin sees every class."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from edu_site.classes.models import (
    Assignment,
    AssignmentAttempt,
    Class,
    ClassGroup,
    Enrollment,
    GroupDates,
    Term,
)


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on")


class ClassGroupInline(admin.TabularInline):
    model = ClassGroup
    extra = 0


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ("learner",)
    readonly_fields = ("joined_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("learner", "group")


@admin.register(Class)
class ClassAdmin(admin.ModelAdmin):
    list_display = ("name", "term", "join_code")
    list_filter = ("term",)
    list_select_related = ("term",)
    search_fields = ("name",)
    filter_horizontal = ("educators",)
    inlines = (ClassGroupInline, EnrollmentInline)


class GroupDatesInline(admin.TabularInline):
    model = GroupDates
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "klass", "opens_at", "due_at", "closes_at", "counts")
    list_select_related = ("klass__term", "case", "quiz")
    list_filter = ("klass",)
    inlines = (GroupDatesInline,)


@admin.register(AssignmentAttempt)
class AssignmentAttemptAdmin(admin.ModelAdmin):
    """Links are made by starting an attempt for an assignment; admin only shows them."""

    list_display = ("assignment", "learner", "case_attempt", "quiz_attempt", "created_at")
    list_select_related = ("assignment__case", "assignment__quiz", "learner")
    raw_id_fields = ("assignment", "learner", "case_attempt", "quiz_attempt")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: AssignmentAttempt | None = None
    ) -> bool:
        return False
