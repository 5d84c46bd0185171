"""Writes for classes: keyword-only functions, each one transaction, validating first.

A refused request raises ClassError with a sentence for the user and changes nothing.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases import services as case_services
from cases.models import Attempt as CaseAttempt
from cases.models import Case
from edu_site.classes.models import (
    Assignment,
    AssignmentAttempt,
    Class,
    ClassGroup,
    Dates,
    Enrollment,
    GroupDates,
    Term,
)
from quizzes import services as quiz_services
from quizzes.models import Attempt as QuizAttempt
from quizzes.models import Quiz

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I/L, so a code read aloud or copied from a slide is typed right."""
CODE_LENGTH = 8
ROSTER_MAX_ROWS = 1000
ROSTER_MAX_BYTES = 256 * 1024


class ClassError(Exception):
    """A request the rules refuse; the message is written for the person who made it."""


# --- codes -----------------------------------------------------------------------------------


def code_normalize(code: str) -> str:
    """What the learner typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def _code_new() -> str:
    """A code no class or group holds; 31^8 codes make a clash rare, the loop makes it safe."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = (
            Class.objects.filter(join_code=code).exists()
            or ClassGroup.objects.filter(join_code=code).exists()
        )
        if not taken:
            return code


# --- terms, classes and groups ---------------------------------------------------------------


@transaction.atomic
def term_create(*, name: str, starts_on: date, ends_on: date) -> Term:
    name = name.strip()
    if ends_on < starts_on:
        raise ClassError("A term must end on or after the day it starts.")
    if Term.objects.filter(name__iexact=name).exists():
        raise ClassError(f"There is already a term called {name}: choose it from the list.")
    return Term.objects.create(name=name, starts_on=starts_on, ends_on=ends_on)


@transaction.atomic
def class_create(*, educator: Any, name: str, term: Term) -> Class:
    name = name.strip()
    if not name:
        raise ClassError("Give the class a name.")
    klass = Class.objects.create(name=name, term=term, join_code=_code_new())
    klass.educators.add(educator)
    return klass


@transaction.atomic
def join_code_regenerate(*, klass: Class) -> str:
    """A new class code; the old one stops working at once (group codes are kept)."""
    klass.join_code = _code_new()
    klass.save(update_fields=["join_code"])
    return klass.join_code


@transaction.atomic
def group_create(*, klass: Class, name: str) -> ClassGroup:
    name = name.strip()
    if not name:
        raise ClassError("Give the group a name.")
    if klass.groups.filter(name__iexact=name).exists():
        raise ClassError(f"This class already has a group called {name}.")
    return ClassGroup.objects.create(klass=klass, name=name, join_code=_code_new())


# --- learners --------------------------------------------------------------------------------


def _join_refusal(klass: Class, learner: Any, today: date) -> str:
    """Why this learner may not join this class now, or an empty string."""
    if klass.term.has_ended(today):
        return (
            f"{klass.name} belongs to {klass.term.name}, which ended on "
            f"{klass.term.ends_on:%d %B %Y}; ask your educator for this term's class."
        )
    if klass.educators.filter(pk=learner.pk).exists():
        return f"You teach {klass.name}, so you cannot join it as a learner."
    if klass.enrollments.filter(learner=learner).exists():
        return f"You are already in {klass.name}."
    return ""


@transaction.atomic
def class_join(*, learner: Any, code: str, today: date | None = None) -> Enrollment:
    """Join the class whose code, or whose group's code, the learner typed."""
    today = today or timezone.localdate()
    wanted = code_normalize(code)
    group = ClassGroup.objects.select_related("klass__term").filter(join_code=wanted).first()
    klass = group.klass if group else None
    if klass is None:
        klass = Class.objects.select_related("term").filter(join_code=wanted).first()
    if not wanted or klass is None:
        raise ClassError(
            "No class has that code. Check it with your educator: a code that was "
            "regenerated no longer works."
        )
    refusal = _join_refusal(klass, learner, today)
    if refusal:
        raise ClassError(refusal)
    return Enrollment.objects.create(klass=klass, learner=learner, group=group)


def _user_by_identifier(identifier: str) -> Any:
    """The account with this username or e-mail address (either case), or None."""
    users = get_user_model().objects.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier)
    )
    found = list(users[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def learner_add(*, klass: Class, identifier: str) -> Enrollment:
    identifier = identifier.strip()
    learner = _user_by_identifier(identifier) if identifier else None
    if learner is None:
        raise ClassError(f"No single account has the username or e-mail “{identifier}”.")
    refusal = _join_refusal(klass, learner, timezone.localdate())
    if refusal:
        raise ClassError(refusal.replace("You are", f"{learner.username} is", 1))
    return Enrollment.objects.create(klass=klass, learner=learner)


@transaction.atomic
def learner_remove(*, klass: Class, learner_id: int) -> None:
    """Take a learner out of the class; their attempts and the links to them are kept."""
    deleted, _ = klass.enrollments.filter(learner_id=learner_id).delete()
    if not deleted:
        raise ClassError("That learner is not in this class.")


@dataclass
class RosterResult:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def _roster_identifiers(text: str) -> list[str]:
    """The first cell of each row, skipping blank rows and a header naming the column."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    if rows and rows[0][0].strip().lower() in {"username", "email", "e-mail", "username or email"}:
        rows = rows[1:]
    return list(dict.fromkeys(row[0].strip() for row in rows))


@transaction.atomic
def roster_import(*, klass: Class, data: bytes) -> RosterResult:
    """Enrol every learner a CSV names by username or e-mail (first column, one a row).

    All or nothing: one name that matches no account refuses the whole file, so a typo
    never leaves half a roster imported. Learners already in the class are skipped.
    """
    if len(data) > ROSTER_MAX_BYTES:
        raise ClassError("That file is too large for a roster; it holds one name a line.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClassError("Save the roster as a CSV file in UTF-8 and upload it again.") from None
    identifiers = _roster_identifiers(text)
    if not identifiers:
        raise ClassError("The file names no learner: put one username or e-mail on each line.")
    if len(identifiers) > ROSTER_MAX_ROWS:
        raise ClassError(f"A roster holds at most {ROSTER_MAX_ROWS} learners.")
    users = {identifier: _user_by_identifier(identifier) for identifier in identifiers}
    unknown = [identifier for identifier, user in users.items() if user is None]
    if unknown:
        raise ClassError(
            "Nothing was imported: no single account matches "
            + ", ".join(f"“{name}”" for name in unknown[:10])
            + (f" and {len(unknown) - 10} more." if len(unknown) > 10 else ".")
        )
    educators = set(klass.educators.values_list("pk", flat=True))
    enrolled = set(klass.enrollments.values_list("learner_id", flat=True))
    result = RosterResult()
    new = []
    for user in dict.fromkeys(users.values()):
        if user.pk in enrolled or user.pk in educators:
            result.already.append(user.username)
        else:
            new.append(Enrollment(klass=klass, learner=user))
            result.added.append(user.username)
    Enrollment.objects.bulk_create(new)
    return result


# --- assignments -----------------------------------------------------------------------------


def _dates_check(dates: Dates) -> None:
    if not dates.opens_at <= dates.due_at <= dates.closes_at:
        raise ClassError("The dates must come in order: opens, then due, then closes.")


@transaction.atomic
def assignment_create(
    *,
    klass: Class,
    case: Case | None = None,
    quiz: Quiz | None = None,
    dates: Dates,
    attempts_allowed: int = 1,
    counts: str = Assignment.Counts.BEST,
) -> Assignment:
    """Set a published case or shared quiz for the class."""
    if (case is None) == (quiz is None):
        raise ClassError("Choose one case or one quiz to assign.")
    if case is not None and case.status != Case.Status.PUBLISHED:
        raise ClassError("Only a published case can be assigned.")
    if quiz is not None and not (quiz.is_published and quiz.owner_id is None):
        raise ClassError("Only a published quiz can be assigned.")
    if counts not in Assignment.Counts.values:
        raise ClassError("Choose which attempt counts: the first, the best or the last.")
    if attempts_allowed < 0:
        raise ClassError("Attempts allowed is a whole number; 0 means unlimited.")
    _dates_check(dates)
    return Assignment.objects.create(
        klass=klass,
        case=case,
        quiz=quiz,
        opens_at=dates.opens_at,
        due_at=dates.due_at,
        closes_at=dates.closes_at,
        attempts_allowed=attempts_allowed,
        counts=counts,
    )


@transaction.atomic
def group_dates_set(*, assignment: Assignment, group: ClassGroup, dates: Dates) -> GroupDates:
    """Give one group its own dates for this assignment (setting them again replaces them)."""
    if group.klass_id != assignment.klass_id:
        raise ClassError("That group belongs to another class.")
    _dates_check(dates)
    override, _ = GroupDates.objects.update_or_create(
        assignment=assignment,
        group=group,
        defaults={
            "opens_at": dates.opens_at,
            "due_at": dates.due_at,
            "closes_at": dates.closes_at,
        },
    )
    return override


def dates_for(assignment: Assignment, enrollment: Enrollment) -> Dates:
    """The learner's dates: their group's override when it has one, else the assignment's."""
    if enrollment.group_id is not None:
        override = assignment.group_dates.filter(group_id=enrollment.group_id).first()
        if override is not None:
            return override.dates
    return assignment.dates


@transaction.atomic
def assignment_attempt_start(
    *, learner: Any, assignment: Assignment, now: datetime | None = None
) -> CaseAttempt | QuizAttempt:
    """Start (or resume) the learner's attempt for an assignment, linked to it.

    An unfinished attempt made for this assignment is resumed rather than doubled. Outside
    the learner's dates, or with every allowed attempt used, nothing is started.
    """
    now = now or timezone.now()
    enrollment = assignment.klass.enrollments.filter(learner=learner).first()
    if enrollment is None:
        raise ClassError("This assignment is for another class.")
    links = AssignmentAttempt.objects.filter(assignment=assignment, learner=learner)
    resumable = _resumable(links, assignment)
    if resumable is not None:
        return resumable
    dates = dates_for(assignment, enrollment)
    if now < dates.opens_at:
        raise ClassError(f"This assignment opens on {_when(dates.opens_at)}.")
    if now >= dates.closes_at:
        raise ClassError(f"This assignment closed on {_when(dates.closes_at)}.")
    used = links.count()
    if assignment.attempts_allowed and used >= assignment.attempts_allowed:
        raise ClassError(
            f"You have used all {assignment.attempts_allowed} attempt"
            f"{'s' if assignment.attempts_allowed != 1 else ''} this assignment allows."
        )
    if assignment.case is not None:
        return _case_attempt_start(learner, assignment, assignment.case)
    # The check constraint makes an assignment a case or a quiz, so this one is a quiz.
    return _quiz_attempt_start(learner, assignment, cast(Quiz, assignment.quiz))


def _resumable(links: Any, assignment: Assignment) -> CaseAttempt | QuizAttempt | None:
    if assignment.case_id:
        return CaseAttempt.objects.filter(assignment_link__in=links).open().first()
    return QuizAttempt.objects.filter(
        assignment_link__in=links, state=QuizAttempt.State.IN_PROGRESS
    ).first()


def _case_attempt_start(learner: Any, assignment: Assignment, case: Case) -> CaseAttempt:
    try:
        attempt = case_services.attempt_start(user=learner, case=case)
    except case_services.AttemptError as error:
        raise ClassError(str(error)) from None
    AssignmentAttempt.objects.create(assignment=assignment, learner=learner, case_attempt=attempt)
    return attempt


def _quiz_attempt_start(learner: Any, assignment: Assignment, quiz: Quiz) -> QuizAttempt:
    """The quiz service resumes any open attempt of the learner's on that quiz; one made for
    another assignment stays that assignment's, and an unlinked one joins this assignment."""
    try:
        attempt = quiz_services.attempt_start(user=learner, quiz=quiz)
    except quiz_services.QuizError as error:
        raise ClassError(str(error)) from None
    other = AssignmentAttempt.objects.filter(quiz_attempt=attempt).first()
    if other is not None:
        raise ClassError(
            "You have an unfinished attempt on this quiz for another assignment: "
            "finish it there first."
        )
    AssignmentAttempt.objects.create(assignment=assignment, learner=learner, quiz_attempt=attempt)
    return attempt


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d %B %Y, %H:%M}"
