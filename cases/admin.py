"""Admin for authoring the shipped case and its catalogs, and for viewing learners' records."""

from __future__ import annotations

from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from cases import services
from cases.admin_forms import (
    ORDER_INPUTS,
    PLAN_ORDERS,
    STEP_INPUTS,
    CaseAdminForm,
    adjunct_field,
    order_field,
    step_field,
)
from cases.forms import ADJUNCTS
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
    TestOrder,
    Therapy,
)
from cases.plans import MAX_TAPER_STEPS


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


class HistoryInline(nested_admin.NestedStackedInline):
    model = CaseHistoryItem
    extra = 0


class ExamInline(nested_admin.NestedTabularInline):
    model = CaseExamFinding
    extra = 0


class ResultValueInline(nested_admin.NestedTabularInline):
    model = CaseResultValue
    extra = 0


class OptionInline(nested_admin.NestedTabularInline):
    model = InterpretationOption
    extra = 0


class QuestionUnderResultForm(forms.ModelForm):
    """A question asked on its result's report; it belongs to the result's case."""

    class Meta:
        model = InterpretationQuestion
        fields = ["key", "prompt", "multiple", "source", "topic", "position"]

    def save(self, commit: bool = True) -> InterpretationQuestion:
        self.instance.case_id = self.instance.result.case_id
        return super().save(commit=commit)


class QuestionInline(nested_admin.NestedStackedInline):
    """Questions sit under the result they ask about, with their options under them, so a
    question can only ever point at a result of its own case, saved or not yet saved."""

    model = InterpretationQuestion
    fk_name = "result"
    form = QuestionUnderResultForm
    extra = 0
    inlines = [OptionInline]


class ResultInline(nested_admin.NestedStackedInline):
    model = CaseResult
    extra = 0
    autocomplete_fields = ["investigation"]
    inlines = [ResultValueInline, QuestionInline]


class CaseDiagnosisInline(nested_admin.NestedTabularInline):
    model = CaseDiagnosis
    extra = 0


class CaseTherapyInline(nested_admin.NestedTabularInline):
    model = CaseTherapy
    extra = 0


class ManagementRuleInline(nested_admin.NestedStackedInline):
    model = ManagementRule
    extra = 0


class ParameterInline(nested_admin.NestedTabularInline):
    model = CaseParameter
    extra = 0


class ReferenceInline(nested_admin.NestedTabularInline):
    model = CaseReference
    extra = 0


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


@admin.action(description="Retire (no new attempts; attempts under way play on)")
def retire(
    modeladmin: admin.ModelAdmin[Case], request: HttpRequest, queryset: QuerySet[Case]
) -> None:
    for case in queryset:
        try:
            services.case_retire(case=case)
        except services.AttemptError as error:
            modeladmin.message_user(request, f"{case}: {error}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{case}: retired.")


def _plan_rows() -> list[tuple[str | None, dict[str, Any]]]:
    """The model plan's fieldsets: a line per order, a line per taper step, the adjuncts."""
    sets: list[tuple[str | None, dict[str, Any]]] = []
    for number in range(1, PLAN_ORDERS + 1):
        lines: list[Any] = [tuple(order_field(number, name) for name in ORDER_INPUTS)]
        lines += [
            tuple(step_field(number, step, name) for name in STEP_INPUTS)
            for step in range(1, MAX_TAPER_STEPS + 1)
        ]
        classes = [] if number == 1 else ["collapse"]
        sets.append((f"Model plan: order {number}", {"fields": lines, "classes": classes}))
    sets.append(
        (
            "Model plan: adjuncts",
            {
                "fields": [adjunct_field(name) for name in ADJUNCTS],
                "description": "Leave every order empty to use the engine's recommendation "
                "for the case's disease.",
            },
        )
    )
    return sets


@admin.register(Case)
class CaseAdmin(nested_admin.NestedModelAdmin):
    """One page per case: everything the case holds, its findings and model plan as fields."""

    form = CaseAdminForm
    list_display = ["title", "status", "version", "difficulty"]
    list_filter = ["status", "difficulty"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "version"]
    actions = [publish_new_version, retire]
    fieldsets = [
        (
            "Presentation",
            {
                "fields": [
                    "title",
                    "slug",
                    ("status", "version"),
                    "summary",
                    "learning_objectives",
                    ("difficulty", "estimated_minutes"),
                    "chief_complaint",
                    "presenting_history",
                    "presentation_source",
                ]
            },
        ),
        (
            "The patient",
            {
                "fields": [
                    ("age_min", "age_max", "sex"),
                    ("height_min_cm", "height_max_cm"),
                    ("excess_weight_min_kg", "excess_weight_max_kg"),
                    ("temperature_c", "heart_rate", "respiratory_rate", "blood_pressure"),
                    "engine_disease",
                    ("secondary_cause", "culprit"),
                ]
            },
        ),
        (
            "Engine findings at presentation",
            {
                "fields": [
                    ("extent", "imaging_pattern", "days_since_onset"),
                    ("fvc_pct", "fev1_pct", "dlco_pct"),
                    ("spo2_pct", "pao2_mmhg"),
                    ("crp_mg_dl", "esr_mm_h", "leukocytes_per_ul", "eosinophils_per_ul"),
                    ("ggt_iu_l", "alp_iu_l", "bal_lymphocytes_pct"),
                    ("traction_bronchiectasis", "fibrin_or_scarring_on_histology"),
                ],
                "description": "The engine simulates the patient from these; each field "
                "gives its unit and the range the engine accepts.",
            },
        ),
        ("Work-up and debrief", {"fields": ["target_workup_hours", "model_answer"]}),
        *_plan_rows(),
    ]
    inlines = [
        HistoryInline,
        ExamInline,
        ResultInline,
        CaseDiagnosisInline,
        CaseTherapyInline,
        ManagementRuleInline,
        ParameterInline,
        ReferenceInline,
    ]


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
