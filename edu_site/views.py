"""Site-wide pages: the learner dashboard, sign-up and the progress page."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.static import serve

from cases.selectors import attempts_in_progress as case_attempts_in_progress
from cases.selectors import case_progress, interpretation_tallies
from edu_site.classes.selectors import assigned_to
from edu_site.forms import SignupForm
from edu_site.http import AuthenticatedHttpRequest, HtmxHttpRequest
from edu_site.throttle import throttle_posts
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
@throttle_posts("signup", "SIGNUP_LIMIT_PER_HOUR")
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


password_reset = throttle_posts("password-reset", "PASSWORD_RESET_LIMIT_PER_HOUR")(
    auth_views.PasswordResetView.as_view()
)


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, str] | None
) -> HttpResponse:
    """django-axes' lock-out, in the site's layout, saying when logging in works again.

    Every attempt during a lock-out starts its cool-off again, so the time to name is now
    plus the cool-off.
    """
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": (credentials or {}).get("username", ""),
        "minutes": int(cooloff.total_seconds() // 60),
        "retry_at": timezone.localtime() + cooloff,
    }
    return render(request, "registration/locked_out.html", context, status=429)


@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One page for both kinds of practice; each app supplies its own section's context."""
    context: dict[str, object] = {}
    context.update(quiz_progress(request.user, other_tallies=interpretation_tallies(request.user)))
    context.update(case_progress(request.user, page=request.GET.get("cases_page")))
    return render(request, "edu_site/progress.html", context)


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded images, when this process serves them (SERVE_MEDIA: laptop, classroom).

    Behind nginx the proxy serves MEDIA_ROOT itself and this answers 404; only images that
    passed edu_site.images.validate_image are ever stored there.
    """
    if not settings.SERVE_MEDIA:
        raise Http404("Uploaded files are served by the proxy or the bucket here.")
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
