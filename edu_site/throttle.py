"""Throttles for the requests that cost a guesser nothing: sign-up and password reset.

Login failures are counted by django-axes; these two are counted here, per client address
in fixed one-hour windows held in Django's cache (Redis when REDIS_URL is set, so every
app server counts together). Over the limit the page says when to try again, and nothing
is created or sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

WINDOW_SECONDS = 3600


def client_address(request: HttpRequest) -> str:
    """The browser's address: the proxy's X-Real-IP behind a proxy, else the socket's peer."""
    if settings.BEHIND_PROXY and request.headers.get("x-real-ip"):
        return request.headers["x-real-ip"]
    return request.META.get("REMOTE_ADDR", "")


def over_limit(*, scope: str, key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request; over ``limit`` in this window, the seconds until the next one."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    cache_key = f"throttle:{scope}:{window}:{key}"
    cache.add(cache_key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this request opens a new count
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count <= limit:
        return None
    return int((window + 1) * WINDOW_SECONDS - now) + 1


def throttle_posts(
    scope: str, limit_setting: str
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Refuse a view's POSTs from one address past settings.<limit_setting> an hour."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def throttled(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if request.method == "POST":
                wait = over_limit(
                    scope=scope,
                    key=client_address(request),
                    limit=getattr(settings, limit_setting),
                )
                if wait is not None:
                    refused = render(
                        request, "429.html", {"retry_minutes": -(-wait // 60)}, status=429
                    )
                    refused["Retry-After"] = str(wait)
                    return refused
            return view(request, *args, **kwargs)

        return throttled

    return decorate
