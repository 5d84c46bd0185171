"""Quiz pages. Thin: they parse the request, call services/selectors and render.

Every form posts to a real URL and redirects after success, so it works without
JavaScript; with htmx the same view answers with the page's fragment instead.
"""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from edu_site.http import AuthenticatedHttpRequest
from edu_site.inputs import parse_aware_datetime, parse_id, parse_ids, parse_int
from edu_site.refusals import Refusal
from edu_site.roles import is_educator
from quizzes import selectors, services, statistics
from quizzes.forms import PracticeForm
from quizzes.models import Attempt, Confidence, Quiz, Response


def _position(value: str | None) -> int | None:
    """Which question to show (``?q=``, a form's ``position``): a position that is not a
    plain number shows the first question rather than refusing the page."""
    try:
        return parse_int(value, field="position", minimum=1)
    except Refusal:
        return None


def _attempt_url(attempt: Attempt, position: int | None = None) -> str:
    url = reverse("quizzes:attempt", args=[attempt.pk])
    return f"{url}?q={position}" if position else url


def _closed_redirect(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    url = reverse("quizzes:results", args=[attempt.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_GET
def quiz_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.attempts_expire_overdue(user=request.user)
    context = {
        "quizzes": selectors.quizzes_for_learner(user=request.user),
        "due_count": selectors.review_cards_due(user=request.user).count(),
    }
    return render(request, "quizzes/quiz_list.html", context)


@login_required
@require_POST
def attempt_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz, slug=slug, is_published=True, owner__isnull=True)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except services.QuizError as error:
        messages.error(request, str(error))
        return redirect("quizzes:list")
    return redirect(_attempt_url(attempt))


def _question_context(
    attempt: Attempt, current: Response, *, question_count: int, answered_count: int
) -> dict:
    """What the question panel shows: one question, its answer, and where it sits."""
    now = timezone.now()
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "current": current,
        "question_count": question_count,
        "answered_count": answered_count,
        "previous_position": current.position - 1 if current.position > 1 else None,
        "next_position": current.position + 1 if current.position < question_count else None,
        "attempt_url": reverse("quizzes:attempt", args=[attempt.pk]),
        "answer_url": reverse("quizzes:answer", args=[attempt.pk]),
        "flag_url": reverse("quizzes:flag", args=[attempt.pk]),
        "seconds_left": attempt.seconds_left(now),
        "shown_at": now.isoformat(),
        "show_feedback": attempt.quiz.mode == Quiz.Mode.TUTOR and current.is_answered,
        "confidence_choices": Confidence.choices,
    }


def _attempt_context(attempt: Attempt, position: int | None) -> dict:
    """One question of the attempt and the state of every other."""
    responses = selectors.attempt_navigation(attempt=attempt)
    listed = next((r for r in responses if r["position"] == position), responses[0])
    current = selectors.attempt_response(attempt=attempt, response_id=listed["pk"])
    answered_count = sum(r["is_answered"] for r in responses)
    context = _question_context(
        attempt, current, question_count=len(responses), answered_count=answered_count
    )
    return {**context, "responses": responses}


@login_required
@require_GET
def attempt_detail(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    if services.attempt_expire_if_overdue(attempt=attempt):
        messages.warning(request, "Time ran out: your attempt was handed in at its deadline.")
    if not attempt.is_open:
        return redirect("quizzes:results", attempt.pk)
    context = _attempt_context(attempt, _position(request.GET.get("q")))
    template = "quizzes/attempt.html#attempt-body" if request.htmx else "quizzes/attempt.html"
    return render(request, template, context)


def _after_attempt_post(
    request: AuthenticatedHttpRequest,
    attempt: Attempt,
    position: int | None,
    error: Refusal | None = None,
    *,
    focus_flag: bool = False,
) -> HttpResponse:
    """The question again: a fragment for htmx, else a redirect to its page.

    A refusal goes back as a message on the page; htmx gets the attempt body with the refusal
    inside it and the refusal's status (400 or 409), in place of whatever the form targeted.
    ``focus_flag`` keeps keyboard focus on the flag button the learner just pressed.
    """
    if not request.htmx:
        if error is not None:
            messages.error(request, error.message)
        return redirect(_attempt_url(attempt, position))
    context = _attempt_context(attempt, position)
    context.update(error=error.message if error is not None else "", focus_flag=focus_flag)
    status = error.status if error is not None else HTTPStatus.OK
    reply = render(request, "quizzes/attempt.html#attempt-body", context, status=status)
    return reswap(retarget(reply, "#attempt-body"), "outerHTML")


def _answer_saved(
    request: AuthenticatedHttpRequest, attempt: Attempt, saved: Response
) -> HttpResponse:
    """The answered question's panel, with its list item and the counts out of band: an
    answer is every learner's most frequent request, and nothing else on the page changed."""
    counts = selectors.attempt_counts(attempt=attempt)
    context = _question_context(
        attempt, saved, question_count=counts.questions, answered_count=counts.answered
    )
    context["saved_item"] = selectors.NavItem(
        pk=saved.pk, position=saved.position, is_answered=True, flagged=saved.flagged
    )
    return render(request, "quizzes/attempt.html#answer-saved", context)


@login_required
@require_POST
def response_save(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    position = _position(request.POST.get("position"))
    shown_at = request.POST.get("shown_at")
    try:
        question_id = parse_id(request.POST.get("question"), field="question")
        choice_ids = set(parse_ids(request.POST.getlist("choice"), field="choice"))
        saved = services.response_save(
            attempt=attempt,
            question_id=question_id,
            choice_ids=choice_ids,
            confidence=request.POST.get("confidence", ""),
            expected_version=parse_int(request.POST.get("version"), field="version"),
            shown_at=parse_aware_datetime(shown_at, field="shown_at") if shown_at else None,
        )
    except services.AttemptClosed as error:
        messages.error(request, str(error))
        return _closed_redirect(request, attempt)
    except Refusal as error:
        return _after_attempt_post(request, attempt, position, error)
    if not request.htmx:
        messages.success(request, "Answer saved.")
        return redirect(_attempt_url(attempt, position))
    return _answer_saved(request, attempt, saved)


@login_required
@require_POST
def response_flag(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    position = _position(request.POST.get("position"))
    try:
        services.response_flag(
            attempt=attempt,
            question_id=parse_id(request.POST.get("question"), field="question"),
            flagged=request.POST.get("flagged") == "on",
        )
    except services.AttemptClosed as error:
        messages.error(request, str(error))
        return _closed_redirect(request, attempt)
    except Refusal as error:
        return _after_attempt_post(request, attempt, position, error)
    return _after_attempt_post(request, attempt, position, focus_flag=True)


@login_required
@require_POST
def attempt_finish(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """Hand in; with questions unanswered or flagged, first a page that lists them and
    asks again (a plain form, so it works without JavaScript)."""
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    if attempt.is_open and request.POST.get("confirm") != "yes":
        responses = selectors.attempt_responses(attempt=attempt)
        unsure = [r for r in responses if not r.is_answered or r.flagged]
        if unsure:
            context = {"attempt": attempt, "quiz": attempt.quiz, "unsure": unsure}
            return render(request, "quizzes/confirm_finish.html", context)
    try:
        services.attempt_finish(attempt=attempt)
    except services.QuizError as error:
        messages.error(request, str(error))
    return _closed_redirect(request, attempt)


@login_required
@require_POST
def practice_discard(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    try:
        services.practice_discard(attempt=attempt)
    except services.QuizError as error:
        messages.error(request, str(error))
        return redirect(_attempt_url(attempt))
    messages.success(request, f"Discarded: {attempt.quiz.title}.")
    return redirect("home")


@login_required
@require_GET
def attempt_results(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    services.attempt_expire_if_overdue(attempt=attempt)
    if attempt.is_open:
        messages.info(request, "Finish the attempt to see your results.")
        return redirect(_attempt_url(attempt))
    return render(request, "quizzes/results.html", results_context(attempt))


def results_context(attempt: Attempt) -> dict:
    """The results page's context; the class gradebook shows it read-only to educators."""
    responses = selectors.attempt_responses(attempt=attempt)
    peers = selectors.peers_percent_correct(
        question_ids=[r.question_id for r in responses], excluding_user=attempt.user_id
    )
    for response in responses:
        response.peers = peers.get(response.question_id)
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "responses": responses,
        "flagged": [response for response in responses if response.flagged],
        "peers_min_learners": selectors.PEERS_MIN_LEARNERS,
        "shows_answers": attempt.quiz.review_shows != Quiz.ReviewShows.SCORE,
        "shows_explanations": attempt.quiz.review_shows == Quiz.ReviewShows.EVERYTHING,
    }


@login_required
@require_http_methods(["GET", "POST"])
def practice(request: AuthenticatedHttpRequest) -> HttpResponse:
    topics = list(selectors.topics_for_practice())
    initial = {"topics": request.GET.getlist("topics")}
    form = PracticeForm(request.POST or None, topics=topics, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = services.practice_quiz_create(
                user=request.user,
                topic_ids=[int(pk) for pk in form.cleaned_data["topics"]],
                count=form.cleaned_data["count"],
                pool=form.cleaned_data["pool"],
            )
            attempt = services.attempt_start(user=request.user, quiz=quiz)
        except services.QuizError as error:
            form.add_error(None, str(error))
        else:
            return redirect(_attempt_url(attempt))
    return render(request, "quizzes/practice.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            quiz = services.review_quiz_create(user=request.user)
            attempt = services.attempt_start(user=request.user, quiz=quiz)
        except services.QuizError as error:
            messages.error(request, str(error))
            return redirect("quizzes:review")
        return redirect(_attempt_url(attempt))
    cards = selectors.review_cards_due(user=request.user)
    return render(request, "quizzes/review.html", {"cards": cards})


@login_required
@require_GET
def item_analysis(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Educators only: learners get 403 (they may know the quiz exists, not its statistics)."""
    if not is_educator(request.user):
        raise PermissionDenied("Item analysis is for educators.")
    quiz = get_object_or_404(Quiz, slug=slug)
    report = statistics.quiz_item_analysis(quiz=quiz)
    return render(request, "quizzes/item_analysis.html", {"quiz": quiz, "report": report})
