"""What every API endpoint shares: the refusal body, the exception handler, the id field
and the schema's description of refusals (the JSON parser is in edu_site/parsers.py).

API views carry no try/except: a service's Refusal (edu_site/refusals.py), a serializer's
ValidationError and DRF's own errors all reach ``exception_handler``, which answers with
the refusal's status and one body shape, ``{"detail", "code", "fields"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from edu_site.inputs import MAX_INT64, parse_int
from edu_site.refusals import Refusal

FIELD_ERRORS = "Some inputs were refused; each message is under its input in fields."


class ErrorOutputSerializer(serializers.Serializer):
    """The body of every refusal, whatever its status."""

    detail = serializers.CharField(help_text="A sentence for the learner.")
    code = serializers.CharField(
        help_text="invalid, conflict, not_found, forbidden, not_authenticated, "
        "authentication_failed, parse_error, method_not_allowed, unsupported_media_type, "
        "not_acceptable or throttled."
    )
    # DRF's metaclass moves declared fields off the class, so this name does not replace
    # Serializer.fields at run time; only the type checker sees the clash.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input, keyed by its path in the body (taper.0.dose); "
        "empty when the refusal concerns the whole request.",
    )


def _flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"a.0.b": [messages]}."""
    if isinstance(detail, Mapping):
        items: list[tuple[str, Any]] = [(str(key), value) for key, value in detail.items()]
    elif isinstance(detail, list) and any(isinstance(item, list | Mapping) for item in detail):
        items = [(str(index), value) for index, value in enumerate(detail)]
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {path or "non_field_errors": [str(message) for message in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        if value:
            flat.update(_flatten(value, f"{path}.{key}" if path else key))
    return flat


def error_body(
    detail: str, code: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The one refusal body (ErrorOutputSerializer's shape)."""
    return {"detail": detail, "code": code, "fields": fields or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One answer for every refusal; anything else is left to raise (a real 500)."""
    if isinstance(exc, Refusal):
        return Response(error_body(exc.message, exc.code, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(FIELD_ERRORS, "invalid", _flatten(exc.detail))
    else:
        codes = exc.get_codes()
        response.data = error_body(str(exc.detail), codes if isinstance(codes, str) else "error")
    return response


def api_page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a URL under /api/ that matches nothing gets the API's JSON refusal;
    any other gets the site's 404 page."""
    if request.path.startswith("/api/"):
        body = error_body("Nothing is at this address.", "not_found")
        return JsonResponse(body, status=HTTPStatus.NOT_FOUND)
    return page_not_found(request, exception)


class IdField(serializers.IntegerField):
    """An id in a body: a JSON integer (or a plain ASCII integer string) within 64 bits."""

    def __init__(self, *, minimum: int = 1, **kwargs: Any) -> None:
        super().__init__(min_value=minimum, max_value=MAX_INT64, **kwargs)
        self.minimum = minimum

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        try:
            return parse_int(str(data), field=self.field_name or "id", minimum=self.minimum)
        except Refusal as refusal:
            raise serializers.ValidationError(refusal.fields.popitem()[1]) from None


def refusals(*statuses: HTTPStatus, **descriptions: str) -> dict[int, OpenApiResponse]:
    """Schema entries for an endpoint's refusals; every endpoint also refuses a missing or
    wrong login (401). ``descriptions`` names a status by its number (``_409="…"``)."""
    defaults = {
        HTTPStatus.BAD_REQUEST: "Bad input: a message per refused input in fields.",
        HTTPStatus.UNAUTHORIZED: "No session and no valid token.",
        HTTPStatus.FORBIDDEN: "The role lacks this, or a session request without CSRF token.",
        HTTPStatus.NOT_FOUND: "Not yours, or not there.",
        HTTPStatus.CONFLICT: "The right input at the wrong time: wrong stage, stale or closed.",
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "The body is not application/json.",
    }
    wanted = {HTTPStatus.UNAUTHORIZED, *statuses}
    return {
        int(status): OpenApiResponse(
            ErrorOutputSerializer,
            description=descriptions.get(f"_{int(status)}", defaults[status]),
        )
        for status in sorted(wanted)
    }
