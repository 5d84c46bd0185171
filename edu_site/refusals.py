"""One way to refuse: the domain errors every door (page, htmx fragment, API) maps alike.

A service raises a Refusal with a sentence for the learner when a request is not allowed;
the class says which kind of refusal it is, and the kind decides the HTTP status:

- ``Refusal`` itself: bad input (400), optionally naming the input it is about;
- ``Conflict``: the right input at the wrong time, for example a step of another stage, a
  stale answer or a closed attempt (409);
- ``NotFound``: not the caller's object, or no such object (404);
- ``Forbidden``: the caller's role may not do this (403).

An app's own error (``cases.errors.AttemptError``, ``quizzes.services.QuizError``) subclasses
Refusal, and its conflicts also subclass Conflict; they set no status of their own, so the
kind found first in the class's MRO decides it.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import ClassVar


class Refusal(Exception):
    """A request the rules refuse, changing nothing; ``str()`` is the learner's sentence.

    ``fields`` maps an input's name to its messages when the refusal is about particular
    inputs, so a form or an API client can show each message beside its input.
    """

    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST
    code: ClassVar[str] = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Conflict(Refusal):
    """Allowed input the attempt's current state refuses: wrong stage, stale, closed."""

    status = HTTPStatus.CONFLICT
    code = "conflict"


class NotFound(Refusal):
    """Not the caller's, or not there; said the same way so strangers learn nothing."""

    status = HTTPStatus.NOT_FOUND
    code = "not_found"


class Forbidden(Refusal):
    """The caller is known but their role lacks this permission."""

    status = HTTPStatus.FORBIDDEN
    code = "forbidden"
