"""Case pages and the player: thin typed views over selectors (reads) and services (writes).

Every action is a plain form post that redirects back (a message says what went wrong);
with htmx the same view returns the page's fragment ("template#partial") instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial, wraps
from http import HTTPStatus
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap

from cases import analytics as case_analytics
from cases import plans, selectors, services
from cases.content import CaseContent
from cases.errors import AttemptConflict, AttemptError
from cases.forms import AnswerForm, ClockForm, DiagnosisForm, PlanForm, TestOrderForm
from cases.models import Attempt, Case, PlanSubmission, Stage
from cases.simulation import Patient, Plan
from edu_site.classes import selectors as class_selectors
from edu_site.http import AuthenticatedHttpRequest
from edu_site.refusals import Refusal


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    cases = selectors.published_cases_for(request.user)
    return render(request, "cases/case_list.html", {"cases": cases})


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    case = selectors.case_for_viewer(slug, request.user)
    open_attempts = [a for a in case.my_attempts if a.is_open]
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "open_attempts": open_attempts, "attempts": case.my_attempts},
    )


def _staff(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Only educators may do this.")


@login_required
@require_POST
def preview_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """An educator plays the case as it stands, draft or not; nothing counts it."""
    _staff(request)
    case = get_object_or_404(Case, slug=slug)
    try:
        attempt = services.preview_start(user=request.user, case=case)
    except AttemptError as error:
        messages.error(request, f"The case cannot be previewed yet: {error}")
        return redirect(case)
    return redirect(attempt)


@login_required
@require_POST
def preview_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, pk)
    try:
        services.preview_discard(attempt=attempt)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect(attempt)
    messages.success(request, "The preview attempt was thrown away.")
    return redirect(attempt.case)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_abandon(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then give the attempt up (POST); nothing the learner did is lost."""
    attempt = selectors.attempt_for_user(request.user, pk)
    if request.method == "GET":
        return render(request, "cases/attempt_abandon.html", {"attempt": attempt})
    try:
        services.attempt_abandon(attempt=attempt)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect(attempt)
    messages.success(request, "You abandoned that attempt; it stays in your list of attempts.")
    return redirect(attempt.case)


@login_required
@require_GET
def attempt_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Any learner's attempt read-only for an educator: the debrief once finished, else
    what the learner has done so far (admin's "View on site" for an attempt)."""
    _staff(request)
    attempt = selectors.attempt_for_staff(pk)
    if attempt.stage == Stage.DEBRIEF and attempt.finished_at is not None:
        context = {**debrief_context(attempt), "read_only": True}
        return render(request, "cases/attempt_debrief.html", context)
    context = _player_context(attempt, Stage(attempt.stage), read_only=True)
    context |= {
        "history_asks": attempt.history_asks.all(),
        "test_orders": attempt.test_orders.all(),
        "answers": attempt.answers.all(),
        "diagnosis": getattr(attempt, "diagnosis_submission", None),
        "plans": attempt.plans.all(),
    }
    return render(request, "cases/attempt_review.html", context)


@login_required
@require_POST
def attempt_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    case = selectors.published_case(slug, request.user)
    try:
        attempt = services.attempt_start(user=request.user, case=case)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect(case)
    return redirect(attempt)


@login_required
@require_GET
def attempt_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return redirect(selectors.attempt_for_user(request.user, pk))


# --- helpers ---------------------------------------------------------------------------------


StagePage = Callable[[AuthenticatedHttpRequest, Attempt], HttpResponse]


def stage_page(
    stage: Stage, *, defer: Sequence[str] = ()
) -> Callable[[StagePage], Callable[..., HttpResponse]]:
    """Guard a stage page: the view gets the learner's own attempt (anyone else's is a
    404), without the ``defer`` fields unless it reads them, and an attempt that has not
    reached ``stage`` yet is sent to its current stage."""

    def guard(view: StagePage) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
            attempt = selectors.attempt_for_user(request.user, pk, defer=defer)
            if not attempt.stage_reached(stage):
                return redirect(attempt)
            return view(request, attempt)

        return guarded

    return guard


def _player_context(attempt: Attempt, stage: Stage, **extra: Any) -> dict[str, Any]:
    return {
        "attempt": attempt,
        "content": attempt.content,
        "patient": selectors.presentation_patient(attempt),
        "page_stage": stage,
        "stages": [
            {
                "value": s.value,
                "label": s.label,
                "reached": attempt.stage_reached(s),
                "current": s == stage,
            }
            for s in Stage
        ],
        "is_current": attempt.stage == stage,
        "dead_end": selectors.attempt_dead_end(attempt.content) if attempt.is_open else "",
        **extra,
    }


def _current_stage(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    return redirect(attempt)


def _perform(
    request: AuthenticatedHttpRequest,
    attempt: Attempt,
    step: Callable[..., object],
    *,
    respond: Callable[[AuthenticatedHttpRequest, Attempt], HttpResponse] = _current_stage,
    **inputs: Any,
) -> HttpResponse:
    """Run one service step on the learner's attempt and answer the way every action does.

    A refused step (AttemptError) shows its reason and changes nothing; a done step gets
    ``respond``: by default the attempt's current stage, or an htmx fragment.
    """
    try:
        step(attempt=attempt, **inputs)
    except AttemptError as error:
        return _refuse(request, attempt, error)
    return respond(request, attempt)


def _refuse(request: AuthenticatedHttpRequest, attempt: Attempt, error: Refusal) -> HttpResponse:
    """A plain post gets the stage page back with the message; htmx gets the message itself,
    with the refusal's status (400 bad input, 409 wrong stage or state), swapped into the
    page's alert region out of band (base.html lets htmx swap 400 and 409)."""
    if request.htmx:
        response = render(
            request, "cases/partials/refusal.html", {"error": error.message}, status=error.status
        )
        return reswap(response, "none")
    messages.error(request, error.message)
    return redirect(attempt)


# --- presentation ----------------------------------------------------------------------------


def _presentation_context(attempt: Attempt, **extra: Any) -> dict[str, Any]:
    """The patient's story without its sources: their titles name the diagnosis, so
    citations wait for the debrief."""
    asks = list(attempt.history_asks.all())
    asked = {ask.item_key for ask in asks}
    context = _player_context(attempt, Stage.PRESENTATION, **extra)
    context["latest_ask"] = asks[-1].item_key if asks else None
    context["history"] = [
        {**item, "asked": item["key"] in asked} for item in context["content"].history
    ]
    return context


@login_required
@require_GET
@stage_page(Stage.PRESENTATION)
def presentation(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    return render(request, "cases/attempt_presentation.html", _presentation_context(attempt))


@login_required
@require_POST
def history_ask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _perform(
        request,
        selectors.attempt_for_user(request.user, pk),
        services.history_ask,
        item_key=request.POST.get("item", ""),
        respond=_history_response,
    )


def _history_response(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    if request.htmx:
        return render(
            request, "cases/attempt_presentation.html#history", _presentation_context(attempt)
        )
    return _page_again(request, "cases:presentation", attempt, "The patient has answered.")


def _page_again(
    request: AuthenticatedHttpRequest, name: str, attempt: Attempt, done: str
) -> HttpResponse:
    """Without htmx, the page again with a message saying what happened; site.js moves
    focus to the result the page marks, as it does after a swap."""
    messages.success(request, done)
    return redirect(name, pk=attempt.pk)


@login_required
@require_POST
def workup_begin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _perform(request, selectors.attempt_for_user(request.user, pk), services.workup_begin)


# --- work-up ---------------------------------------------------------------------------------


def _workup_context(attempt: Attempt, **extra: Any) -> dict[str, Any]:
    context = _player_context(attempt, Stage.WORKUP, **extra)
    orders = selectors.workup_orders(attempt, context["content"])
    ordered = {order.investigation["key"] for order in orders}
    context.update(
        orders=orders,
        pending=[order for order in orders if not order.ready],
        ready=[order for order in orders if order.ready],
        catalog=selectors.orderable_by_category(context["content"], ordered),
        clock_choices=cast(forms.ChoiceField, ClockForm.base_fields["hours"]).choices,
    )
    return context


def _workup_response(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    if request.htmx:
        return render(request, "cases/attempt_workup.html#workup-panel", _workup_context(attempt))
    done = f"The clock reads hour {attempt.clock_hours}."
    return _page_again(request, "cases:workup", attempt, done)


def _workup_action(
    request: AuthenticatedHttpRequest, attempt: Attempt, step: Callable[..., object], **inputs: Any
) -> HttpResponse:
    """A work-up step answers with the work-up panel (htmx) or the work-up page."""
    return _perform(request, attempt, step, respond=_workup_response, **inputs)


@login_required
@require_GET
@stage_page(Stage.WORKUP)
def workup(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    return render(request, "cases/attempt_workup.html", _workup_context(attempt))


@login_required
@require_POST
def test_order(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, pk)
    form = TestOrderForm(request.POST, content=attempt.content)
    if not form.is_valid():
        return _refuse(request, attempt, Refusal(" ".join(map(str, form.errors["investigations"]))))
    keys = form.cleaned_data["investigations"]
    return _workup_action(request, attempt, services.test_order, investigation_keys=keys)


@login_required
@require_POST
def clock_advance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, pk)
    form = ClockForm(request.POST)
    if not form.is_valid():
        return _refuse(request, attempt, Refusal("Choose how far to move the clock."))
    hours = form.cleaned_data["hours"]
    return _workup_action(request, attempt, services.clock_advance, hours=hours)


@login_required
@require_POST
def workup_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _perform(request, selectors.attempt_for_user(request.user, pk), services.workup_finish)


# --- interpretation --------------------------------------------------------------------------


def _interpretation_context(attempt: Attempt, **extra: Any) -> dict[str, Any]:
    context = _player_context(attempt, Stage.INTERPRETATION, **extra)
    ordered = {order.investigation_key for order in attempt.test_orders.all()}
    context["questions"] = selectors.question_views(attempt, context["content"], ordered)
    answers = [question["answer"] for question in context["questions"] if question["answer"]]
    latest = max(answers, key=lambda answer: answer.pk, default=None)
    context["latest_answer"] = latest.question_key if latest else None
    return context


@login_required
@require_GET
@stage_page(Stage.INTERPRETATION)
def interpretation(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    return render(request, "cases/attempt_interpretation.html", _interpretation_context(attempt))


@login_required
@require_POST
def answer_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, pk)
    form = AnswerForm(request.POST, content=attempt.content)
    if not form.is_valid():
        return _refuse(request, attempt, Refusal("Choose one of the options shown."))
    question_key = form.cleaned_data["question"]
    return _perform(
        request,
        attempt,
        services.answer_submit,
        question_key=question_key,
        option_keys=form.cleaned_data["options"],
        respond=partial(_answer_response, question_key=question_key),
    )


def _answer_response(
    request: AuthenticatedHttpRequest, attempt: Attempt, question_key: str
) -> HttpResponse:
    """With htmx, the answered question with its explanations; without, the page again."""
    if not request.htmx:
        return _page_again(request, "cases:interpretation", attempt, "Your answer is recorded.")
    context = _interpretation_context(attempt)
    question = next(q for q in context["questions"] if q["key"] == question_key)
    return render(
        request, "cases/attempt_interpretation.html#question", {**context, "question": question}
    )


@login_required
@require_POST
def interpretation_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _perform(
        request, selectors.attempt_for_user(request.user, pk), services.interpretation_finish
    )


# --- diagnosis -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@stage_page(Stage.DIAGNOSIS)
def diagnosis(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    content = attempt.content
    form = DiagnosisForm(
        request.POST or None, diagnoses=selectors.diagnoses_in_attempt_order(attempt, content)
    )
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                services.diagnosis_submit(
                    attempt=attempt,
                    primary_key=form.cleaned_data["primary"],
                    confidence_pct=form.cleaned_data["confidence"],
                    differential=form.differential(),
                )
            except AttemptError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                return redirect(attempt)
        else:
            status = HTTPStatus.BAD_REQUEST
    submission = getattr(attempt, "diagnosis_submission", None)
    context = _player_context(attempt, Stage.DIAGNOSIS, form=form, submission=submission)
    if submission is not None:
        context["submitted_primary"] = content.diagnosis_by_key[submission.primary_key]["name"]
        context["submitted_differential"] = [
            (content.diagnosis_by_key[key]["name"], likelihood)
            for key, likelihood in submission.differential.items()
        ]
    return render(request, "cases/attempt_diagnosis.html", context, status=status)


# --- plan ------------------------------------------------------------------------------------


def _plan_context(
    attempt: Attempt, stage: Stage, form: PlanForm, patient: Patient, **extra: Any
) -> dict[str, Any]:
    """The plan form with the dose table and the plans so far. The outcome page keeps the
    table and the plans rendered, so both are built only when a template reads them."""
    context = _player_context(attempt, stage, form=form, **extra)
    submissions = list(attempt.plans.all())
    context.update(
        ideal_weight=round(patient.ideal_body_weight_kg, 1),
        dose_table=_lazy(plans.dose_table, content=context["content"], patient=patient),
        plans=_lazy(_plans_shown, submissions, patient),
        plan_count=len(submissions),
        latest_plan=submissions[-1] if submissions else None,
    )
    return context


def _plans_shown(submissions: list[PlanSubmission], patient: Patient) -> list[dict[str, Any]]:
    """Each plan submitted with its dose table, as the plan history shows them."""
    return [
        {"submission": plan, **selectors.plan_summary(plan.plan, patient.ideal_body_weight_kg)}
        for plan in submissions
    ]


@login_required
@require_http_methods(["GET", "POST"])
@stage_page(Stage.PLAN)
def plan(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    content = attempt.content
    patient = services.treatment_patient(attempt)
    form = PlanForm(request.POST or None, content=content, patient=patient)
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_submit(attempt=attempt, plan_input=form.plan_input())
            except AttemptError as error:
                form.add_plan_error(error)
                status = error.status
            else:
                return redirect(attempt)
        else:
            status = HTTPStatus.BAD_REQUEST
    context = _plan_context(attempt, Stage.PLAN, form, patient)
    return render(request, "cases/attempt_plan.html", context, status=status)


@login_required
@require_GET
def dose_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The milligrams one order's dose means for this patient, as the learner types it.

    ``?order=N`` names the row; its inputs come with the request (htmx includes the row).
    ``?step=M`` asks for that order's taper step M instead, in the step's own unit or, left
    blank, the order's.
    """
    attempt = selectors.attempt_for_user(request.user, pk)
    form = PlanForm(
        request.GET, content=attempt.content, patient=services.treatment_patient(attempt)
    )
    rows = {str(row.number): row for row in form.order_rows()}
    row = rows.get(request.GET.get("order", "1"), rows["1"])
    steps = {str(step.step): step for step in row.taper}
    step = steps.get(request.GET.get("step", ""))
    preview, preview_id = row.preview, row.preview_id
    if step is not None:
        preview, preview_id = step.preview, step.preview_id
    return render(
        request,
        "cases/includes/plan_form.html#dose-preview",
        {
            "preview": preview or "Enter a dose to see the milligrams for this patient.",
            "preview_id": preview_id,
        },
    )


# --- outcome ---------------------------------------------------------------------------------


def _outcome_context(attempt: Attempt, form: PlanForm | None = None) -> dict[str, Any]:
    """The course so far; at an open decision, a revision form that starts from the plan
    as it stands on the day the revision would begin (a refused form keeps what was sent)."""
    content = attempt.content
    patient = services.treatment_patient(attempt)
    # A form is drawn only at an open decision, and an unrefused one comes rendered from
    # the cache: built on first use, most requests never build one.
    context = _plan_context(
        attempt, Stage.OUTCOME, form or _lazy(PlanForm, content=content, patient=patient), patient
    )
    revision = context["plan_count"]
    until = selectors.outcome_until_day(attempt, plans=revision)
    open_decision = attempt.stage == Stage.OUTCOME and attempt.decision_event is not None
    if form is None and open_decision and until is not None and revision:
        context["form"] = _lazy(_revision_form, content, patient, context["latest_plan"], until)
    context.update(
        until=until,
        course=_lazy(selectors.outcome_view, attempt, "Your patient's course", plans=revision),
        decision=open_decision,
        refused_form=form is not None,
        finished_course=attempt.decision_event is None,
        **_course_cache(attempt, revision),
    )
    return context


def _revision_form(
    content: CaseContent, patient: Patient, last: PlanSubmission, until: int
) -> PlanForm:
    """The revision form at an open decision: the plan as it stands from the next day."""
    remaining = plans.plan_from_day(Plan.from_dict(last.plan), until + 1)
    return PlanForm(content=content, patient=patient, initial=PlanForm.initial_for(remaining))


def _lazy(read: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``read(*args, **kwargs)``, called on first use only: the page parts built from it are
    kept rendered (``{% cache %}`` under ``course_key``), so a reload never reads it."""
    return SimpleLazyObject(partial(read, *args, **kwargs))


def _course_cache(attempt: Attempt, revision: int) -> dict[str, Any]:
    """The key and lifetime under which the outcome and debrief templates keep their
    rendered course, chart and cohort parts."""
    return {
        "course_key": selectors.course_key(attempt, plans=revision),
        "course_seconds": selectors.DEBRIEF_CACHE_SECONDS,
    }


@login_required
@require_GET
@stage_page(Stage.OUTCOME, defer=selectors.ENGINE_RESULTS)
def outcome(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    return render(request, "cases/attempt_outcome.html", _outcome_context(attempt))


@login_required
@require_POST
def plan_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, pk)
    form = PlanForm(
        request.POST, content=attempt.content, patient=services.treatment_patient(attempt)
    )
    status = HTTPStatus.BAD_REQUEST
    if form.is_valid():
        try:
            services.plan_revise(attempt=attempt, plan_input=form.plan_input())
        except AttemptError as error:
            form.add_plan_error(error)
            status = error.status
        else:
            return redirect("cases:outcome", pk=attempt.pk)
    if not attempt.stage_reached(Stage.OUTCOME):
        return _refuse(request, attempt, AttemptConflict("There is no outcome to revise yet."))
    return render(
        request, "cases/attempt_outcome.html", _outcome_context(attempt, form), status=status
    )


@login_required
@require_POST
def outcome_continue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _perform(
        request, selectors.attempt_for_user(request.user, pk), services.outcome_continue
    )


@login_required
@require_POST
def attempt_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _perform(request, selectors.attempt_for_user(request.user, pk), services.attempt_finish)


# --- debrief ---------------------------------------------------------------------------------


@login_required
@require_GET
@stage_page(Stage.DEBRIEF, defer=selectors.ENGINE_RESULTS)
def debrief(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    return render(request, "cases/attempt_debrief.html", debrief_context(attempt))


def _answered_questions(attempt: Attempt, content: CaseContent) -> list[dict[str, Any]]:
    ordered = {order.investigation_key for order in attempt.test_orders.all()}
    return [
        question
        for question in selectors.question_views(attempt, content, ordered)
        if question["answer"]
    ]


def debrief_context(attempt: Attempt) -> dict[str, Any]:
    """The debrief's context; the class gradebook shows the same page read-only to educators."""
    content = attempt.content
    submissions = list(attempt.plans.all())
    revision = len(submissions)
    shown = _lazy(selectors.debrief_view, attempt, plans=revision)
    context = _player_context(attempt, Stage.DEBRIEF)
    context.update(
        plans=_lazy(_plans_shown, submissions, services.treatment_patient(attempt)),
        answered_questions=_lazy(_answered_questions, attempt, content),
        breakdown=attempt.score_breakdown,
        yours=_lazy(getattr, shown, "yours"),
        theirs=_lazy(getattr, shown, "theirs"),
        cohort=_lazy(getattr, shown, "cohort"),
        **_course_cache(attempt, revision),
        **selectors.model_answer(content),
    )
    return context


# --- analytics for educators -----------------------------------------------------------------


@login_required
@require_GET
def analytics(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """How learners worked this case: over all of them, or ``?class=`` one class taught."""
    if not request.user.is_educator:
        raise PermissionDenied("Case analytics are for educators.")
    case = get_object_or_404(Case, slug=slug)
    attempts = case_analytics.finished_attempts(case)
    klass = None
    if "class" in request.GET:
        class_id = request.GET["class"]
        if not class_id.isdigit():
            raise Http404("No such class.")
        klass = class_selectors.class_for_educator(educator=request.user, class_id=int(class_id))
        attempts = class_selectors.attempts_for_class(attempts, klass=klass)
    context = {
        "case": case,
        "klass": klass,
        "classes": class_selectors.classes_taught(educator=request.user),
        "report": case_analytics.case_analytics(case=case, attempts=attempts),
        "min_learners": case_analytics.MIN_LEARNERS,
    }
    return render(request, "cases/analytics.html", context)
