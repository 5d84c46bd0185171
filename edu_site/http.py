"""Request types for views, as in django-htmx's example project.

Every request passes django-htmx's middleware, so it carries `request.htmx`; a view
behind `login_required` also knows its user is a signed-in `User`, not AnonymousUser.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from edu_site.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User
