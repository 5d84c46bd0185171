"""The API's one request parser: JSON within a size and a depth, checked before parsing.

Kept apart from edu_site/api.py because DRF reads DEFAULT_PARSER_CLASSES while importing
its views, which api.py imports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

MAX_BODY_BYTES = 64 * 1024
"""Far above the largest real body (a plan with three orders and six taper steps is < 2 KB)."""
MAX_BODY_DEPTH = 8
"""The deepest real body nests four levels (plan → additional_orders → order → taper)."""
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class LimitedJSONParser(JSONParser):
    """JSON bodies only, refused (400) above MAX_BODY_BYTES or MAX_BODY_DEPTH before parsing,
    so a huge or 5,000-deep body costs nothing and never reaches the recursive decoder."""

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise exceptions.ParseError(f"The body is larger than {MAX_BODY_BYTES} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise exceptions.ParseError(f"The body is not valid {encoding}.") from None
        if body_depth(text) > MAX_BODY_DEPTH:
            raise exceptions.ParseError(f"The body nests deeper than {MAX_BODY_DEPTH} levels.")
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise exceptions.ParseError(f"The body is not valid JSON: {error}") from None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def body_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest, strings ignored."""
    brackets = JSON_STRING.sub("", text)
    steps = (1 if char in "[{" else -1 for char in brackets if char in "[]{}")
    return max(accumulate(steps, initial=0))
