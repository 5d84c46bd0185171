"""Site-wide pages: the learner dashboard, sign-up and the progress page."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.selectors import attempts_in_progress as case_attempts_in_progress
from cases.selectors import case_progress, interpretation_tallies
from edu_site.classes.selectors import assigned_to
from edu_site.forms import SignupForm
from edu_site.http import AuthenticatedHttpRequest, HtmxHttpRequest
from quizzes.selectors import attempts_in_progress as quiz_attempts_in_progress
from quizzes.selectors import quiz_progress, review_cards_due

DASHBOARD_ROWS = 5
ASSIGNED_ROWS = 10
"""Assignments not yet closed shown on the dashboard, soonest due first; the class page
lists them all."""


def home(request: HtmxHttpRequest) -> HttpResponse:
    """The learner dashboard: what is assigned, what to carry on with, then the three ways to
    practise."""
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        context = {
            "open_cases": list(case_attempts_in_progress(request.user)[:DASHBOARD_ROWS]),
            "open_quizzes": list(quiz_attempts_in_progress(user=request.user)[:DASHBOARD_ROWS]),
            "due_count": review_cards_due(user=request.user).count(),
            "assigned": [item for item in assigned_to(learner=request.user) if not item.closed][
                :ASSIGNED_ROWS
            ],
        }
    return render(request, "edu_site/home.html", context)


@require_http_methods(["GET", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    """Everyone who signs up is a learner; educators are promoted in admin."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One page for both kinds of practice; each app supplies its own section's context."""
    context: dict[str, object] = {}
    context.update(quiz_progress(request.user, other_tallies=interpretation_tallies(request.user)))
    context.update(case_progress(request.user))
    return render(request, "edu_site/progress.html", context)
