"""Classes: terms, classes with their educators, groups and learners, and dated assignments.

A learner's attempt made for an assignment is linked to it by an AssignmentAttempt row
(see its docstring for why a link table rather than a column on each attempt). Rules
about one row live here as small methods; rules across rows live in services.py (writes)
and selectors.py (reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Term(models.Model):
    """A teaching period; a class of a term that has ended takes no new learners."""

    name = models.CharField(max_length=120, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def has_ended(self, today: date) -> bool:
        return self.ends_on < today


class Class(models.Model):
    """A group an educator teaches; learners join it with its code."""

    name = models.CharField(max_length=200)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="classes")
    educators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="classes_taught")
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrollment", related_name="classes_joined"
    )
    join_code = models.CharField(
        max_length=12, unique=True, help_text="Regenerating it makes the old code stop working."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-term__starts_on", "name", "pk"]
        verbose_name_plural = "classes"

    def __str__(self) -> str:
        return f"{self.name} ({self.term})"


class ClassGroup(models.Model):
    """A part of a class (a ward, a seminar group); its own code puts a learner straight in it."""

    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    join_code = models.CharField(max_length=12, unique=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "name"], name="class_group_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A learner in a class, and in at most one of its groups."""

    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="enrollments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    group = models.ForeignKey(
        ClassGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["klass", "learner__last_name", "learner__first_name", "learner__username"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "learner"], name="enrolled_once_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.klass}"


@dataclass(frozen=True)
class Dates:
    """When an assignment opens, is due and closes for one learner (their group's, if any)."""

    opens_at: datetime
    due_at: datetime
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_late(self, finished_at: datetime) -> bool:
        return finished_at > self.due_at


DATES_IN_ORDER = Q(opens_at__lte=F("due_at"), due_at__lte=F("closes_at"))


class Assignment(models.Model):
    """A published case or quiz set for a class, with its dates and which attempt counts."""

    class Counts(models.TextChoices):
        FIRST = "first", "The first finished attempt"
        BEST = "best", "The best finished attempt"
        LAST = "last", "The last finished attempt"

    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="assignments")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="Attempts finished after this are marked late.")
    closes_at = models.DateTimeField(help_text="No attempt can be started after this.")
    attempts_allowed = models.PositiveSmallIntegerField(default=1, help_text="0 for unlimited.")
    counts = models.CharField(max_length=5, choices=Counts.choices, default=Counts.BEST)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, quiz__isnull=True)
                | Q(case__isnull=True, quiz__isnull=False),
                name="assignment_is_a_case_or_a_quiz",
            ),
            models.CheckConstraint(condition=DATES_IN_ORDER, name="assignment_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The case's or the quiz's title (each prints as its title)."""
        return str(self.case if self.case_id else self.quiz)

    @property
    def kind(self) -> str:
        return "case" if self.case_id else "quiz"

    @property
    def dates(self) -> Dates:
        return Dates(self.opens_at, self.due_at, self.closes_at)


class GroupDates(models.Model):
    """Other dates for one group of the class, replacing the assignment's own for its learners."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="group_dates")
    group = models.ForeignKey(ClassGroup, on_delete=models.CASCADE, related_name="+")
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "group dates"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "group"], name="group_dates_once"),
            models.CheckConstraint(condition=DATES_IN_ORDER, name="group_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} for {self.group}"

    @property
    def dates(self) -> Dates:
        return Dates(self.opens_at, self.due_at, self.closes_at)


class AssignmentAttempt(models.Model):
    """Links a case or quiz attempt to the assignment it was made for.

    A link table rather than a nullable column on cases.Attempt and quizzes.Attempt: the
    content apps stay unaware of classes (no migration of theirs, no import of this app), an
    attempt's own rules and constraints are untouched, and an attempt outlives the class or
    assignment it was made for; deleting an assignment deletes only these links.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="attempt_links"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    case_attempt = models.OneToOneField(
        "cases.Attempt",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignment_link",
    )
    quiz_attempt = models.OneToOneField(
        "quizzes.Attempt",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignment_link",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["assignment", "learner"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_attempt__isnull=False, quiz_attempt__isnull=True)
                | Q(case_attempt__isnull=True, quiz_attempt__isnull=False),
                name="link_is_a_case_or_a_quiz_attempt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} for {self.assignment}"
