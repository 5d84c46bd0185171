"""Admin for authoring the shipped case and its catalogs, and for viewing learners' records."""

from __future__ import annotations

from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Field, QuerySet, URLField
from django.forms.formsets import all_valid
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from cases import services, studio
from cases.admin_exchange import case_import_view, duplicate_cases, export_cases
from cases.admin_forms import (
    ORDER_INPUTS,
    PLAN_ORDERS,
    STEP_INPUTS,
    CaseAdminForm,
    PlanFieldsForm,
    adjunct_field,
    order_field,
    step_field,
)
from cases.checklist import publish_problems, report_value_mismatches
from cases.cohorts import COHORT_PATIENTS
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
    Reference,
    TestOrder,
    Therapy,
)
from cases.plans import MAX_TAPER_STEPS
from edu_site.http import HtmxHttpRequest


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


REFERENCE_LINK: dict[type[Field[Any, Any]], dict[str, Any]] = {URLField: {"assume_scheme": "https"}}
"""A link typed without its scheme is read as https, as Django 6 will."""


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    """The references facts cite: the catalog's (no case) and each case's own."""

    list_display = ["key", "citation", "case"]
    list_filter = [("case", admin.EmptyFieldListFilter)]
    list_select_related = ["case"]
    search_fields = ["key", "citation", "note"]
    formfield_overrides = REFERENCE_LINK


class OwnReferenceInline(nested_admin.NestedTabularInline):
    """References the case owns (a drug's label, a case report), which only it may cite."""

    model = Reference
    fk_name = "case"
    extra = 0
    verbose_name = "reference of this case"
    verbose_name_plural = "references of this case"
    formfield_overrides = REFERENCE_LINK


class OneQueryChoices:
    """Each foreign-key dropdown of the case page is read once per request, not once per row:
    the choices are listed once and shared by every form of every inline."""

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest | None, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if request is not None and field is not None:
            shared = request.__dict__.setdefault("_one_query_choices", {})
            key = db_field.remote_field.model
            if key not in shared:
                shared[key] = list(field.choices)
            field.choices = shared[key]
        return field


class HistoryInline(nested_admin.NestedStackedInline):
    model = CaseHistoryItem
    extra = 0


class ExamInline(nested_admin.NestedTabularInline):
    model = CaseExamFinding
    extra = 0


class ResultValuesFormSet(nested_admin.NestedInlineFormSet):
    """A result's structured values, checked against its report as the educator saves them:
    a number the report writes otherwise is refused here, naming the report and the value,
    rather than only at publishing (the checklist keeps the same check)."""

    def clean(self) -> None:
        super().clean()
        result_form = self.parent_form  # set by nested_admin on every nested formset
        if not result_form.is_valid() or result_form.cleaned_data.get("DELETE"):
            return
        values = [
            form.instance
            for form in self.forms
            if form.is_valid()
            and (form.has_changed() or form.instance.pk is not None)
            and not self._should_delete_form(form)
        ]
        # The case as this save leaves it, with any findings edited on the same page.
        case = result_form.parent_formset.instance
        findings = case.engine_findings if isinstance(case.engine_findings, dict) else {}
        mismatches = report_value_mismatches(self.instance.report, values, findings)
        if mismatches:
            raise forms.ValidationError([f"Report: {message}" for message in mismatches])


class ResultValueInline(nested_admin.NestedTabularInline):
    model = CaseResultValue
    formset = ResultValuesFormSet
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


class QuestionInline(OneQueryChoices, nested_admin.NestedStackedInline):
    """Questions sit under the result they ask about, with their options under them, so a
    question can only ever point at a result of its own case, saved or not yet saved."""

    model = InterpretationQuestion
    fk_name = "result"
    form = QuestionUnderResultForm
    extra = 0
    inlines = [OptionInline]


class ResultInline(OneQueryChoices, nested_admin.NestedStackedInline):
    model = CaseResult
    extra = 0
    inlines = [ResultValueInline, QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseResult]:
        return super().get_queryset(request).select_related("investigation", "case")


class CaseDiagnosisInline(OneQueryChoices, nested_admin.NestedTabularInline):
    model = CaseDiagnosis
    extra = 0


class CaseTherapyInline(OneQueryChoices, nested_admin.NestedTabularInline):
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
    actions = [publish_new_version, retire, export_cases, duplicate_cases]
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
    change_form_template = "admin/cases/case/change_form.html"
    change_list_template = "admin/cases/case/change_list.html"
    inlines = [
        HistoryInline,
        ExamInline,
        ResultInline,
        CaseDiagnosisInline,
        CaseTherapyInline,
        ManagementRuleInline,
        ParameterInline,
        OwnReferenceInline,
        ReferenceInline,
    ]

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:case_id>/checklist/", wrap(self.checklist_view), name="cases_case_checklist"
            ),
            path(
                "<int:case_id>/simulation/",
                wrap(self.simulation_view),
                name="cases_case_simulation",
            ),
            path("import/", wrap(self.import_view), name="cases_case_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        return case_import_view(self, request)

    def _case_or_404(self, request: HttpRequest, case_id: int) -> Case:
        case = self.get_object(request, str(case_id))
        if case is None or not self.has_view_permission(request, case):
            raise Http404("No such case.")
        return case

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        case = self.get_object(request, object_id)
        studio_context = {} if case is None else _studio_context(case)
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **studio_context}
        )

    def checklist_view(self, request: HtmxHttpRequest, case_id: int) -> HttpResponse:
        """The publish checklist, live: with the page's unsaved form posted, the edits are
        saved inside a transaction that is rolled back, so the list is what saving would
        give; without them (no JavaScript), the saved case's list."""
        case = self._case_or_404(request, case_id)
        if request.method != "POST" or "title" not in request.POST:
            if not request.htmx:
                return redirect("admin:cases_case_change", case.pk)
            return render(
                request, "admin/cases/case/change_form.html#checklist", _studio_context(case)
            )
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        context = self._unsaved_checklist(request, case)
        return render(request, "admin/cases/case/change_form.html#checklist", context)

    def _unsaved_checklist(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        form_class = self.get_form(request, case, change=True)
        form = form_class(request.POST, request.FILES, instance=case)
        with transaction.atomic():
            valid = form.is_valid()
            formsets, _ = self._create_formsets(request, form.instance, change=True)
            if valid and all_valid(formsets):
                saved = self.save_form(request, form, change=True)
                self.save_model(request, saved, form, change=True)
                self.save_related(request, form, formsets, change=True)
                context = _studio_context(saved, unsaved=True)
            else:
                context = {**_studio_context(case), "checklist_unsaved_errors": True}
            transaction.set_rollback(True)
        return context

    def simulation_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        """N patients of the case under its model plan, or under the plan entered below."""
        case = self._case_or_404(request, case_id)
        settings_form = SimulationSettingsForm(request.GET or None)
        plan_form = PlanFieldsForm(request.GET or None, initial=PlanFieldsForm.plan_initial({}))
        preview = error = None
        if settings_form.is_valid() and plan_form.is_valid():
            plan_data = plan_form.plan_json() or None
            try:
                preview = studio.simulation_preview(
                    case=case,
                    plan_data=plan_data,
                    patients=settings_form.cleaned_data["patients"],
                    seed=settings_form.cleaned_data["seed"],
                )
            except studio.PreviewRefused as refused:
                error = str(refused)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "title": f"Simulation preview: {case}",
            "settings_form": settings_form,
            "plan_form": plan_form,
            "preview": preview,
            "error": error,
        }
        return render(request, "admin/cases/case/simulation.html", context)


class SimulationSettingsForm(forms.Form):
    patients = forms.IntegerField(
        min_value=1, max_value=studio.MAX_PREVIEW_PATIENTS, initial=COHORT_PATIENTS
    )
    seed = forms.IntegerField(min_value=0, initial=studio.DEFAULT_SEED)


def _studio_context(case: Case, *, unsaved: bool = False) -> dict[str, Any]:
    """The checklist and the changes since the last version, for the case's page."""
    return {
        "case": case,
        "checklist": publish_problems(case),
        "checklist_unsaved": unsaved,
        "changes": studio.changes_since_version(case),
    }


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
    list_display = ["id", "user", "case", "stage", "score", "preview", "started_at", "finished_at"]
    list_filter = ["case", "stage", "preview"]
    list_select_related = ["user", "case"]
    search_fields = ["user__username"]
    exclude = ["timeline", "counterfactual"]

    def get_view_on_site_url(self, obj: Attempt | None = None) -> str | None:
        """The learner's attempt read-only: their own pages would 404 for the educator."""
        return None if obj is None else reverse("cases:review", args=[obj.pk])

    inlines = [
        HistoryAskInline,
        TestOrderInline,
        AnswerInline,
        DiagnosisSubmissionInline,
        PlanSubmissionInline,
    ]
