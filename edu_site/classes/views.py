"""Class pages: thin typed views over selectors (reads) and services (writes).

Educator pages answer 403 to learners and 404 for a class the educator does not teach, so
nobody learns that another educator's class exists. Every action is a plain form post that
redirects back with a message; the roster's forms swap the roster fragment with htmx.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.views import debrief_context
from edu_site.classes import selectors, services
from edu_site.classes.forms import (
    AssignmentForm,
    ClassForm,
    GroupDatesForm,
    GroupForm,
    JoinForm,
    LearnerAddForm,
    RosterForm,
)
from edu_site.classes.models import Class
from edu_site.classes.services import ClassError
from edu_site.http import AuthenticatedHttpRequest
from quizzes.views import results_context


def _educator_class(request: AuthenticatedHttpRequest, class_id: int) -> Class:
    if not request.user.is_educator:
        raise PermissionDenied("This page is for the class's educators.")
    return selectors.class_for_educator(educator=request.user, class_id=class_id)


def _educator_only(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_educator:
        raise PermissionDenied("Only educators create classes.")


# --- listing, creating, joining --------------------------------------------------------------


@login_required
@require_GET
def class_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "taught": selectors.classes_taught(educator=request.user)
        if request.user.is_educator
        else [],
        "joined": selectors.classes_joined(learner=request.user),
    }
    return render(request, "classes/class_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _educator_only(request)
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                term = data["term"] or services.term_create(
                    name=data["new_term_name"],
                    starts_on=data["new_term_starts_on"],
                    ends_on=data["new_term_ends_on"],
                )
                klass = services.class_create(educator=request.user, name=data["name"], term=term)
        except ClassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Class created. Learners join with the code {klass.join_code}."
            )
            return redirect("classes:detail", klass.pk)
    return render(request, "classes/class_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def class_join(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.class_join(learner=request.user, code=form.cleaned_data["code"])
        except ClassError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"You joined {enrollment.klass.name}.")
            return redirect("classes:detail", enrollment.klass_id)
    return render(request, "classes/join.html", {"form": form})


# --- one class -------------------------------------------------------------------------------


@login_required
@require_GET
def class_detail(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    """The educator's page for a class they teach, or the learner's for a class they are in."""
    if request.user.is_educator and request.user.classes_taught.filter(pk=class_id).exists():
        klass = selectors.class_for_educator(educator=request.user, class_id=class_id)
        return render(request, "classes/class_educator.html", _educator_context(klass))
    klass = selectors.class_for_learner(learner=request.user, class_id=class_id)
    items = selectors.assigned_to(learner=request.user, klass=klass)
    return render(
        request,
        "classes/class_learner.html",
        {"klass": klass, "items": items},
    )


def _educator_context(klass: Class, **forms: object) -> dict[str, object]:
    groups = list(klass.groups.all())
    return {
        "klass": klass,
        "groups": groups,
        "roster": selectors.roster(klass=klass),
        "assignments": klass.assignments.select_related("case", "quiz").prefetch_related(
            "group_dates__group"
        ),
        "add_form": forms.get("add_form") or LearnerAddForm(),
        "roster_form": forms.get("roster_form") or RosterForm(),
        "group_form": forms.get("group_form") or GroupForm(),
        "dates_form": GroupDatesForm(klass=klass) if groups else None,
    }


def _roster_response(
    request: AuthenticatedHttpRequest, klass: Class, error: str = ""
) -> HttpResponse:
    """With htmx the roster fragment (with the refusal, if any); without, the class page."""
    if request.htmx:
        context = {**_educator_context(klass), "roster_error": error}
        return render(request, "classes/partials/roster.html", context)
    if error:
        messages.error(request, error)
    return redirect("classes:detail", klass.pk)


@login_required
@require_POST
def code_regenerate(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    code = services.join_code_regenerate(klass=klass)
    messages.success(request, f"New code: {code}. The old code no longer works.")
    return redirect("classes:detail", klass.pk)


@login_required
@require_POST
def group_create(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    form = GroupForm(request.POST)
    try:
        if not form.is_valid():
            raise ClassError("Give the group a name.")
        group = services.group_create(klass=klass, name=form.cleaned_data["name"])
    except ClassError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Group {group.name} created; its code is {group.join_code}.")
    return redirect("classes:detail", klass.pk)


@login_required
@require_POST
def learner_add(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    form = LearnerAddForm(request.POST)
    try:
        if not form.is_valid():
            raise ClassError("Give the learner's username or e-mail.")
        enrollment = services.learner_add(klass=klass, identifier=form.cleaned_data["identifier"])
    except ClassError as error:
        return _roster_response(request, klass, str(error))
    if not request.htmx:
        messages.success(request, f"{enrollment.learner.username} added.")
    return _roster_response(request, klass)


@login_required
@require_POST
def learner_remove(
    request: AuthenticatedHttpRequest, class_id: int, learner_id: int
) -> HttpResponse:
    klass = _educator_class(request, class_id)
    try:
        services.learner_remove(klass=klass, learner_id=learner_id)
    except ClassError as error:
        return _roster_response(request, klass, str(error))
    if not request.htmx:
        messages.success(request, "Learner removed; their attempts are kept.")
    return _roster_response(request, klass)


@login_required
@require_POST
def roster_import(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    form = RosterForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ClassError("Choose a CSV file to upload.")
        result = services.roster_import(klass=klass, data=form.cleaned_data["roster"].read())
    except ClassError as error:
        messages.error(request, str(error))
    else:
        note = f" ({len(result.already)} already in the class)" if result.already else ""
        messages.success(request, f"{len(result.added)} learners added{note}.")
    return redirect("classes:detail", klass.pk)


# --- assignments -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(
                klass=klass,
                dates=form.dates(),
                attempts_allowed=form.cleaned_data["attempts_allowed"],
                counts=form.cleaned_data["counts"],
                **form.target(),
            )
        except ClassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Assignment set.")
            return redirect("classes:detail", klass.pk)
    return render(request, "classes/assignment_form.html", {"klass": klass, "form": form})


@login_required
@require_POST
def group_dates_set(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    form = GroupDatesForm(request.POST, klass=klass)
    try:
        if not form.is_valid():
            raise ClassError("Choose an assignment and a group, and give all three dates.")
        services.group_dates_set(
            assignment=form.cleaned_data["assignment"],
            group=form.cleaned_data["group"],
            dates=form.dates(),
        )
    except ClassError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Dates set for {form.cleaned_data['group'].name}.")
    return redirect("classes:detail", klass.pk)


@login_required
@require_POST
def assignment_start(request: AuthenticatedHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_for_learner(learner=request.user, assignment_id=assignment_id)
    try:
        attempt = services.assignment_attempt_start(learner=request.user, assignment=assignment)
    except ClassError as error:
        messages.error(request, str(error))
        return redirect("classes:detail", assignment.klass_id)
    if assignment.case_id:
        return redirect("cases:resume", attempt.pk)
    return redirect("quizzes:attempt", attempt.pk)


# --- the gradebook ---------------------------------------------------------------------------


@login_required
@require_GET
def gradebook(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    book = selectors.gradebook(klass=klass)
    return render(request, "classes/gradebook.html", {"klass": klass, "book": book})


@login_required
@require_GET
def gradebook_csv(request: AuthenticatedHttpRequest, class_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    book = selectors.gradebook(klass=klass)
    stamp = f"{timezone.localtime():%Y-%m-%d}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="gradebook-{slugify(klass.name) or klass.pk}-{stamp}.csv"'
    )
    csv.writer(response).writerows(selectors.gradebook_csv_rows(book))
    return response


@login_required
@require_GET
def student(request: AuthenticatedHttpRequest, class_id: int, learner_id: int) -> HttpResponse:
    klass = _educator_class(request, class_id)
    record = selectors.student_record(klass=klass, learner_id=learner_id)
    return render(request, "classes/student.html", {"klass": klass, "record": record})


@login_required
@require_GET
def case_attempt(request: AuthenticatedHttpRequest, class_id: int, attempt_id: int) -> HttpResponse:
    """The learner's debrief, read-only, for an educator of the class it was made for."""
    klass = _educator_class(request, class_id)
    attempt = selectors.case_attempt_for_class(klass=klass, attempt_id=attempt_id)
    if attempt.finished_at is None:
        messages.info(request, "That attempt is not finished yet, so it has no debrief.")
        return redirect("classes:student", klass.pk, attempt.user_id)
    context = {**debrief_context(attempt), "read_only": True, "klass": klass}
    return render(request, "cases/attempt_debrief.html", context)


@login_required
@require_GET
def quiz_attempt(request: AuthenticatedHttpRequest, class_id: int, attempt_id: int) -> HttpResponse:
    """The learner's quiz results, read-only, for an educator of the class."""
    klass = _educator_class(request, class_id)
    attempt = selectors.quiz_attempt_for_class(klass=klass, attempt_id=attempt_id)
    if attempt.is_open:
        messages.info(request, "That attempt is not handed in yet, so it has no results.")
        return redirect("classes:student", klass.pk, attempt.user_id)
    context = {**results_context(attempt), "read_only": True, "klass": klass}
    return render(request, "quizzes/results.html", context)
