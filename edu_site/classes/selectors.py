"""Reads for classes, each in a fixed number of queries however many learners and attempts.

Grades are read from the attempts' own score fields (a case's score out of 100, a quiz's
score over its maximum), so they follow whatever the cases and quizzes apps record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from cases.models import Attempt as CaseAttempt
from edu_site.classes.models import (
    Assignment,
    AssignmentAttempt,
    Class,
    Dates,
    Enrollment,
    GroupDates,
)
from quizzes.models import Attempt as QuizAttempt

QUIZ_CLOSED_STATES = (QuizAttempt.State.FINISHED, QuizAttempt.State.EXPIRED)


# --- lookups that 404 for strangers ----------------------------------------------------------


def classes_taught(*, educator: Any) -> QuerySet[Class]:
    return (
        Class.objects.filter(educators=educator)
        .select_related("term")
        .annotate(
            learner_count=Count("enrollments", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
    )


def classes_joined(*, learner: Any) -> QuerySet[Class]:
    return Class.objects.filter(enrollments__learner=learner).select_related("term")


def class_for_educator(*, educator: Any, class_id: int) -> Class:
    """A class this educator teaches; any other class is a 404, never a 403 that confirms it."""
    return get_object_or_404(Class.objects.select_related("term"), pk=class_id, educators=educator)


def class_for_learner(*, learner: Any, class_id: int) -> Class:
    return get_object_or_404(
        Class.objects.select_related("term"), pk=class_id, enrollments__learner=learner
    )


def assignment_for_learner(*, learner: Any, assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("klass", "case", "quiz"),
        pk=assignment_id,
        klass__enrollments__learner=learner,
    )


def roster(*, klass: Class) -> QuerySet[Enrollment]:
    return klass.enrollments.select_related("learner", "group")


def case_attempt_for_class(*, klass: Class, attempt_id: int) -> CaseAttempt:
    """A case attempt made for one of the class's assignments by a learner still in it."""
    return get_object_or_404(
        CaseAttempt.objects.select_related("case", "case_version", "user"),
        pk=attempt_id,
        assignment_link__assignment__klass=klass,
        user__enrollments__klass=klass,
    )


def quiz_attempt_for_class(*, klass: Class, attempt_id: int) -> QuizAttempt:
    return get_object_or_404(
        QuizAttempt.objects.select_related("quiz", "user"),
        pk=attempt_id,
        assignment_link__assignment__klass=klass,
        user__enrollments__klass=klass,
    )


def attempts_for_class(attempts: QuerySet[CaseAttempt], *, klass: Class) -> QuerySet[CaseAttempt]:
    """Of these case attempts, those made for the class's assignments by learners still in it."""
    return attempts.filter(assignment_link__assignment__klass=klass, user__enrollments__klass=klass)


# --- grading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptFacts:
    """What grading needs of one linked attempt; percent is None until it is finished."""

    kind: str
    pk: int
    started_at: datetime | None
    """Read for the student page only; the gradebook leaves it out."""
    finished_at: datetime | None
    percent: float | None
    abandoned: bool = False
    """Given up by the learner (cases only): over, but never finished."""

    @property
    def is_open(self) -> bool:
        return self.finished_at is None and not self.abandoned

    @property
    def learner_url(self) -> str:
        """The learner's own page for it: the debrief or results once finished."""
        if self.kind == "case":
            name = "cases:debrief" if self.finished_at else "cases:resume"
            return reverse(name, args=[self.pk])
        name = "quizzes:results" if self.finished_at else "quizzes:attempt"
        return reverse(name, args=[self.pk])

    def educator_url(self, class_id: int) -> str:
        return reverse(f"classes:{self.kind}-attempt", args=[class_id, self.pk])


class Status:
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    ABANDONED = "abandoned"
    DONE = "done"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class Cell:
    """One learner on one assignment: the attempt that counts and the flags."""

    dates: Dates
    attempts: list[AttemptFacts]
    counted: AttemptFacts | None
    status: str
    late: bool
    missing: bool

    @property
    def percent(self) -> float | None:
        return self.counted.percent if self.counted else None

    @property
    def open_attempt(self) -> AttemptFacts | None:
        return next((a for a in self.attempts if a.is_open), None)

    @property
    def flag(self) -> str:
        """The one word the gradebook flags the cell with, as its CSV writes it."""
        if self.late:
            return "late"
        if self.missing:
            return "missing"
        return "abandoned" if self.status == Status.ABANDONED else ""


def grade(dates: Dates, attempts: list[AttemptFacts], counts: str, now: datetime) -> Cell:
    """Pick the attempt that counts (first, best or last finished) and flag late or missing.

    Late: the counted attempt was finished after the due date. Missing: the due date has
    passed and no attempt is finished. Abandoned: nothing finished or under way, and the
    learner gave an attempt up. The best of equal scores is the earliest.
    """
    finished = [a for a in attempts if a.finished_at is not None and a.percent is not None]
    counted: AttemptFacts | None = None
    if len(finished) == 1:
        counted = finished[0]
    elif finished:
        finished.sort(key=lambda a: (a.finished_at, a.pk))
        if counts == Assignment.Counts.FIRST:
            counted = finished[0]
        elif counts == Assignment.Counts.LAST:
            counted = finished[-1]
        else:
            counted = max(finished, key=lambda a: (a.percent, -finished.index(a)))
    late = bool(counted and counted.finished_at and dates.is_late(counted.finished_at))
    missing = counted is None and now > dates.due_at
    if counted is not None:
        status = Status.LATE if late else Status.DONE
    elif any(a.is_open for a in attempts):
        status = Status.IN_PROGRESS
    elif any(a.abandoned for a in attempts):
        status = Status.ABANDONED
    else:
        status = Status.MISSING if missing else Status.NOT_STARTED
    return Cell(dates, attempts, counted, status, late, missing)


def _attempts_by_cell(
    links: QuerySet[AssignmentAttempt], *, started: bool = False
) -> dict[tuple[int, int], list[AttemptFacts]]:
    """Every linked attempt, keyed by (assignment, learner): one query per kind of attempt,
    reading tuples of only the columns grading needs (the gradebook reads thousands)."""
    cells: dict[tuple[int, int], list[AttemptFacts]] = defaultdict(list)
    extra = ("case_attempt__started_at",) if started else ()
    case_rows = links.filter(case_attempt__isnull=False).values_list(
        "assignment_id",
        "learner_id",
        "case_attempt_id",
        "case_attempt__finished_at",
        "case_attempt__score",
        "case_attempt__abandoned_at",
        *extra,
    )
    rows = case_rows.order_by("pk")
    for assignment_id, learner_id, pk, finished_at, score, abandoned_at, *start in rows:
        done = finished_at is not None and score is not None
        cells[(assignment_id, learner_id)].append(
            AttemptFacts(
                "case",
                pk,
                start[0] if start else None,
                finished_at if done else None,
                round(score, 1) if done else None,
                abandoned=abandoned_at is not None,
            )
        )
    extra = ("quiz_attempt__started_at",) if started else ()
    quiz_rows = links.filter(quiz_attempt__isnull=False).values_list(
        "assignment_id",
        "learner_id",
        "quiz_attempt_id",
        "quiz_attempt__state",
        "quiz_attempt__finished_at",
        "quiz_attempt__score",
        "quiz_attempt__max_score",
        *extra,
    )
    for (
        assignment_id,
        learner_id,
        pk,
        state,
        finished_at,
        score,
        maximum,
        *start,
    ) in quiz_rows.order_by("pk"):
        closed = state in QUIZ_CLOSED_STATES
        cells[(assignment_id, learner_id)].append(
            AttemptFacts(
                "quiz",
                pk,
                start[0] if start else None,
                finished_at if closed else None,
                round(100 * (score or 0) / maximum, 1) if closed and maximum else None,
            )
        )
    return cells


def _overrides(assignments: Iterable[Assignment]) -> dict[tuple[int, int], Dates]:
    rows = GroupDates.objects.filter(assignment__in=list(assignments))
    return {(row.assignment_id, row.group_id): row.dates for row in rows}


def _dates(
    assignment: Assignment, enrollment: Enrollment, overrides: dict[tuple[int, int], Dates]
) -> Dates:
    return overrides.get((assignment.pk, enrollment.group_id or 0), assignment.dates)


# --- the gradebook ---------------------------------------------------------------------------


def display_name(user: Any) -> str:
    return user.get_full_name() or user.username


@dataclass(frozen=True)
class GradebookRow:
    enrollment: Enrollment
    cells: list[Cell]

    @property
    def learner(self) -> Any:
        return self.enrollment.learner

    @property
    def name(self) -> str:
        return display_name(self.enrollment.learner)


@dataclass(frozen=True)
class Gradebook:
    klass: Class
    assignments: list[Assignment]
    rows: list[GradebookRow] = field(default_factory=list)


def gradebook(*, klass: Class, now: datetime | None = None) -> Gradebook:
    """Learners by assignments of a class, in four queries whatever its size."""
    now = now or timezone.now()
    assignments = list(klass.assignments.select_related("case", "quiz"))
    overrides = _overrides(assignments)
    enrollments = list(roster(klass=klass))
    cells = _attempts_by_cell(AssignmentAttempt.objects.filter(assignment__klass=klass))
    rows = [
        GradebookRow(
            enrollment,
            [
                grade(
                    _dates(assignment, enrollment, overrides),
                    cells.get((assignment.pk, enrollment.learner_id), []),
                    assignment.counts,
                    now,
                )
                for assignment in assignments
            ],
        )
        for enrollment in enrollments
    ]
    return Gradebook(klass, assignments, rows)


def gradebook_csv_rows(book: Gradebook) -> list[list[str]]:
    """The CSV: exactly the gradebook's columns, a score and a flag per assignment."""
    header = ["Name", "Username"]
    for assignment in book.assignments:
        header += [f"{assignment.title} (score %)", f"{assignment.title} (flag)"]
    rows = [header]
    for row in book.rows:
        line = [row.name, row.learner.username]
        for cell in row.cells:
            line += ["" if cell.percent is None else f"{cell.percent:g}", cell.flag]
        rows.append(line)
    return rows


@dataclass(frozen=True)
class StudentRecord:
    enrollment: Enrollment
    items: list[tuple[Assignment, Cell]]

    @property
    def name(self) -> str:
        return display_name(self.enrollment.learner)


def student_record(*, klass: Class, learner_id: int, now: datetime | None = None) -> StudentRecord:
    """One learner's assignments in a class with every attempt made for them."""
    now = now or timezone.now()
    enrollment = get_object_or_404(
        klass.enrollments.select_related("learner", "group"), learner_id=learner_id
    )
    assignments = list(klass.assignments.select_related("case", "quiz"))
    overrides = _overrides(assignments)
    cells = _attempts_by_cell(
        AssignmentAttempt.objects.filter(assignment__klass=klass, learner_id=learner_id),
        started=True,
    )
    items = [
        (
            assignment,
            grade(
                _dates(assignment, enrollment, overrides),
                cells.get((assignment.pk, learner_id), []),
                assignment.counts,
                now,
            ),
        )
        for assignment in assignments
    ]
    return StudentRecord(enrollment, items)


# --- what a learner is assigned --------------------------------------------------------------


@dataclass(frozen=True)
class AssignedItem:
    """An assignment as its learner sees it; ``startable`` says whether the start button works
    now: an attempt to resume, or the dates open and an attempt left."""

    assignment: Assignment
    cell: Cell
    startable: bool
    not_open_yet: bool
    closed: bool


def _assigned_item(assignment: Assignment, cell: Cell, now: datetime) -> AssignedItem:
    allowed = assignment.attempts_allowed
    attempt_left = not allowed or len(cell.attempts) < allowed
    startable = cell.open_attempt is not None or (cell.dates.is_open(now) and attempt_left)
    return AssignedItem(
        assignment,
        cell,
        startable=startable,
        not_open_yet=now < cell.dates.opens_at,
        closed=now >= cell.dates.closes_at,
    )


def assigned_to(
    *, learner: Any, klass: Class | None = None, now: datetime | None = None
) -> list[AssignedItem]:
    """The learner's assignments in every class of a running term (or in one class), by due
    date, with their own dates and status: four queries whatever the number of classes."""
    now = now or timezone.now()
    enrollments_qs = Enrollment.objects.filter(learner=learner)
    if klass is not None:
        enrollments_qs = enrollments_qs.filter(klass=klass)
    else:
        enrollments_qs = enrollments_qs.filter(klass__term__ends_on__gte=timezone.localdate(now))
    enrollments = {e.klass_id: e for e in enrollments_qs}
    assignments = list(
        Assignment.objects.filter(klass_id__in=enrollments)
        .select_related("klass", "case", "quiz")
        .order_by("due_at", "pk")
    )
    overrides = _overrides(assignments)
    cells = _attempts_by_cell(
        AssignmentAttempt.objects.filter(learner=learner, assignment__in=assignments)
    )
    items = []
    for assignment in assignments:
        enrollment = enrollments[assignment.klass_id]
        cell = grade(
            _dates(assignment, enrollment, overrides),
            cells.get((assignment.pk, learner.pk), []),
            assignment.counts,
            now,
        )
        items.append(_assigned_item(assignment, cell, now))
    items.sort(key=lambda item: (item.cell.dates.due_at, item.assignment.pk))
    return items
