"""Request types for views, as in django-htmx's example project.

Every request passes django-htmx's middleware, so it carries `request.htmx`; a view
behind `login_required` (or DRF's IsAuthenticated) also knows its user is a signed-in
`User`, not AnonymousUser.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from edu_site.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


class AuthenticatedApiRequest(Request):
    """A DRF request that passed IsAuthenticated."""

    user: User
