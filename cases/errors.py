"""The case player's refusals, in the site's one hierarchy (edu_site/refusals.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from edu_site.refusals import Conflict, Refusal

if TYPE_CHECKING:
    from cases.checklist import Problem


class AttemptError(Refusal):
    """A step the learner may not take; the message says why and what to do instead.

    Raised as is, it is bad input (400): an unknown test, an option not shown, a dose out
    of range.
    """


class AttemptConflict(AttemptError, Conflict):
    """A step the attempt's state refuses now (409): another stage's step, a result still
    pending, a question already answered, no decision open."""


class PublishRefused(AttemptError):
    """A case the publish checklist refuses; ``problems`` lists every reason, in order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(str(problem) for problem in self.problems))
