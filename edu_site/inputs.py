"""Parse ids, counts and times from requests, refusing anything else as bad input.

One helper for every door: the pages read form values with it and the API's fields call
it, so ``--1``, ``²``, ``1e3``, ``10**30`` or ``2026-02-30`` are a 400 with a message
naming the input, never a 500 from ``int()``, the database or ``parse_datetime``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.utils.dateparse import parse_datetime

from edu_site.refusals import Refusal

MAX_INT64 = 2**63 - 1
"""The largest value a 64-bit integer column holds (SQLite's and PostgreSQL's bigint)."""
ASCII_INTEGER = re.compile(r"[0-9]{1,19}")


def parse_int(value: str | None, *, field: str, minimum: int = 0) -> int:
    """A plain ASCII integer from ``minimum`` to the 64-bit limit; nothing else."""
    text = (value or "").strip()
    if ASCII_INTEGER.fullmatch(text) is None or not minimum <= int(text) <= MAX_INT64:
        raise Refusal(
            f"{field} must be a whole number from {minimum} to {MAX_INT64}.",
            fields={field: [f"Enter a whole number from {minimum} to {MAX_INT64}."]},
        )
    return int(text)


def parse_id(value: str | None, *, field: str) -> int:
    """A database id: a positive plain integer within 64 bits."""
    return parse_int(value, field=field, minimum=1)


def parse_ids(values: Iterable[str], *, field: str) -> list[int]:
    """Several ids from one input (checkboxes); one bad value refuses them all."""
    return [parse_id(value, field=field) for value in values]


def parse_aware_datetime(value: str | None, *, field: str) -> datetime:
    """An ISO 8601 date and time with its UTC offset; an impossible date is refused too."""
    try:
        parsed = parse_datetime((value or "").strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise Refusal(
            f"{field} must be an ISO 8601 date and time with its offset.",
            fields={field: ["Enter a date and time such as 2026-03-01T10:00:00+00:00."]},
        )
    return parsed


class IdConverter:
    """``<id:pk>`` in URL patterns: a plain integer within 64 bits, else the URL matches
    nothing (404), so a 30-digit id never reaches the database."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_INT64:
            raise ValueError(f"{value} is larger than a 64-bit id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)
