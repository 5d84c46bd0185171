"""The case admin's exchange pieces: export and duplicate actions and the import page.

Kept apart from the case editor (cases/admin.py mounts them) so that each stays small. All
three go through cases/exchange.py, so a duplicate is an export imported under a new slug and
the admin imports exactly what `manage.py case_import` does.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.exchange import (
    IMPORT_MAX_BYTES,
    ImportRefused,
    case_duplicate,
    case_export_json,
    case_import,
)
from cases.models import Case


@admin.action(description="Export to the exchange format (one JSON file per case)")
def export_cases(
    modeladmin: admin.ModelAdmin[Case], request: HttpRequest, queryset: QuerySet[Case]
) -> HttpResponse | None:
    """Download the chosen case as its exchange file; one case at a time, so it is one file."""
    cases = list(queryset[:2])
    if len(cases) != 1:
        modeladmin.message_user(request, "Choose one case to export.", messages.WARNING)
        return None
    [case] = cases
    response = HttpResponse(case_export_json(case), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{case.slug}.json"'
    return response


@admin.action(description="Duplicate into a new draft")
def duplicate_cases(
    modeladmin: admin.ModelAdmin[Case], request: HttpRequest, queryset: QuerySet[Case]
) -> None:
    """A new draft of each chosen case, version 1, under the first free '<slug>-copy' slug."""
    if not modeladmin.has_add_permission(request):
        raise PermissionDenied
    for case in queryset:
        slug = _free_slug(f"{case.slug}-copy")
        try:
            copy = case_duplicate(case=case, slug=slug)
        except ImportRefused as refused:
            modeladmin.message_user(request, f"{case}: not duplicated. {refused}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{case}: duplicated as the draft '{copy.slug}'.")


def _free_slug(wanted: str) -> str:
    taken = set(Case.objects.filter(slug__startswith=wanted).values_list("slug", flat=True))
    slug, number = wanted[:80], 2
    while slug in taken:
        slug = f"{wanted[:75]}-{number}"
        number += 1
    return slug


class CaseImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"A case exchange file (.json), up to {IMPORT_MAX_BYTES // 1048576} MB."
    )
    slug = forms.SlugField(
        required=False,
        max_length=80,
        help_text="Import under this slug instead of the file's (for a case already here).",
    )
    publish = forms.BooleanField(
        required=False, label="Publish at once (otherwise it arrives as a draft)"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError("Choose a .json file: cases travel as JSON.")
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {IMPORT_MAX_BYTES // 1048576} MB; nothing was imported."
            )
        return upload


def case_import_view(modeladmin: admin.ModelAdmin[Case], request: HttpRequest) -> HttpResponse:
    """Upload an exchange file; a refusal lists every problem and creates nothing."""
    if not modeladmin.has_add_permission(request):
        raise PermissionDenied
    form = CaseImportForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            case = case_import(
                form.cleaned_data["file"].read(),
                slug=form.cleaned_data["slug"] or None,
                publish=form.cleaned_data["publish"],
            )
        except ImportRefused as refused:
            problems = refused.problems
        else:
            modeladmin.message_user(
                request, f"Imported '{case.slug}' ({case.get_status_display().lower()})."
            )
            return redirect(reverse("admin:cases_case_change", args=[case.pk]))
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": "Import a case",
        "form": form,
        "problems": problems,
    }
    return render(request, "admin/cases/case/import.html", context)
