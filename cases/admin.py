"""Admin for authoring the shipped case and its catalogs, and for viewing learners' records."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from cases import services
from cases.models import (
    Attempt,
    Case,
    CaseDiagnosis,
    CaseExamFinding,
    CaseHistoryItem,
    CaseParameter,
    CaseReference,
    CaseResult,
    CaseResultValue,
    CaseTherapy,
    CaseVersion,
    Diagnosis,
    DiagnosisSubmission,
    HistoryAsk,
    InterpretationAnswer,
    InterpretationOption,
    InterpretationQuestion,
    Investigation,
    ManagementRule,
    PlanSubmission,
    Reference,
    TestOrder,
    Therapy,
)


@admin.register(Investigation)
class InvestigationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "cost", "turnaround_hours", "procedural_risk_pct"]
    list_filter = ["category", "invasiveness"]
    search_fields = ["name", "key"]


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "engine_disease"]
    search_fields = ["name", "key"]


@admin.register(Therapy)
class TherapyAdmin(admin.ModelAdmin):
    list_display = ["name", "engine_agent", "source"]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    """The references facts cite: the catalog's (no case) and each case's own."""

    list_display = ["key", "citation", "case"]
    list_filter = [("case", admin.EmptyFieldListFilter)]
    list_select_related = ["case"]
    search_fields = ["key", "citation", "note"]


class OwnReferenceInline(admin.TabularInline):
    """References the case owns (a drug's label, a case report), which only it may cite."""

    model = Reference
    fk_name = "case"
    extra = 0
    verbose_name = "reference of this case"
    verbose_name_plural = "references of this case"


class HistoryInline(admin.StackedInline):
    model = CaseHistoryItem
    extra = 0


class ExamInline(admin.TabularInline):
    model = CaseExamFinding
    extra = 0


class ResultInline(admin.StackedInline):
    model = CaseResult
    extra = 0
    show_change_link = True
    autocomplete_fields = ["investigation"]


class CaseDiagnosisInline(admin.TabularInline):
    model = CaseDiagnosis
    extra = 0


class CaseTherapyInline(admin.TabularInline):
    model = CaseTherapy
    extra = 0


class ManagementRuleInline(admin.StackedInline):
    model = ManagementRule
    extra = 0


class ParameterInline(admin.TabularInline):
    model = CaseParameter
    extra = 0


class ReferenceInline(admin.TabularInline):
    model = CaseReference
    extra = 0


class QuestionInline(admin.StackedInline):
    model = InterpretationQuestion
    extra = 0
    show_change_link = True


@admin.action(description="Publish a new version (freezes the content new attempts play)")
def publish_new_version(
    modeladmin: admin.ModelAdmin[Case], request: HttpRequest, queryset: QuerySet[Case]
) -> None:
    for case in queryset:
        try:
            version = services.case_publish(case=case)
        except services.AttemptError as error:
            modeladmin.message_user(request, f"{case}: {error}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{case}: version {version.number} published.")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "version", "difficulty"]
    list_filter = ["status", "difficulty"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [publish_new_version]
    inlines = [
        HistoryInline,
        ExamInline,
        ResultInline,
        QuestionInline,
        CaseDiagnosisInline,
        CaseTherapyInline,
        ManagementRuleInline,
        ParameterInline,
        OwnReferenceInline,
        ReferenceInline,
    ]


class ResultValueInline(admin.TabularInline):
    model = CaseResultValue
    extra = 0


@admin.register(CaseResult)
class CaseResultAdmin(admin.ModelAdmin):
    list_display = ["investigation", "case", "appropriateness"]
    list_filter = ["case", "appropriateness"]
    inlines = [ResultValueInline]


class OptionInline(admin.TabularInline):
    model = InterpretationOption
    extra = 0


@admin.register(InterpretationQuestion)
class InterpretationQuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "case", "result"]
    inlines = [OptionInline]


@admin.register(CaseVersion)
class CaseVersionAdmin(admin.ModelAdmin):
    """Frozen snapshots are history: readable, never edited."""

    list_display = ["case", "number", "frozen_at"]
    readonly_fields = ["case", "number", "snapshot", "frozen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RecordInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TestOrderInline(RecordInline):
    model = TestOrder


class HistoryAskInline(RecordInline):
    model = HistoryAsk


class AnswerInline(RecordInline):
    model = InterpretationAnswer


class DiagnosisSubmissionInline(RecordInline):
    model = DiagnosisSubmission


class PlanSubmissionInline(RecordInline):
    model = PlanSubmission


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "case", "stage", "score", "started_at", "finished_at"]
    list_filter = ["case", "stage"]
    list_select_related = ["user", "case"]
    search_fields = ["user__username"]
    exclude = ["timeline", "counterfactual"]
    inlines = [
        HistoryAskInline,
        TestOrderInline,
        AnswerInline,
        DiagnosisSubmissionInline,
        PlanSubmissionInline,
    ]
