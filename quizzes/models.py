"""The question bank, quizzes, and learners' attempts with one row per response.

Rules about one row live here as small methods (`Attempt.is_open`); rules that touch
several rows live in services.py (writes), selectors.py (reads) and scoring.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models

from edu_site.images import IMAGE_EXTENSIONS, validate_image

if TYPE_CHECKING:
    from quizzes.selectors import PeerFigure

from quizzes import item_writing


class TopicManager(models.Manager["Topic"]):
    """A topic prints as "Parent > Child", so every query brings the parent along.

    Without this, each topic listed in an admin filter, a topic picker or a form costs
    one more query for its parent.
    """

    def get_queryset(self) -> models.QuerySet[Topic]:
        return super().get_queryset().select_related("parent")


class Topic(models.Model):
    """A subject heading; topics nest, e.g. Diagnosis > Imaging."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = TopicManager()

    class Meta:
        ordering = ["parent__name", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent is not None else self.name


def new_family_key() -> str:
    return uuid.uuid4().hex


class Question(models.Model):
    """One version of a question: once learners have answered it, edits make a new version.

    Responses point at the version they showed, so results and item statistics of an
    old attempt never change when the question is improved.
    """

    class Kind(models.TextChoices):
        SINGLE = "single", "Single best answer"
        MULTIPLE = "multiple", "Multiple response"
        TRUE_FALSE = "true_false", "True or false"

    class Difficulty(models.IntegerChoices):
        EASY = 1, "Easy"
        MEDIUM = 2, "Medium"
        HARD = 3, "Hard"

    class Status(models.TextChoices):
        """Only ready questions reach learners: quizzes, draws, practice and review pools."""

        DRAFT = "draft", "Draft"
        READY = "ready", "Ready"
        RETIRED = "retired", "Retired"

    CONTENT_FIELDS = frozenset(
        {"kind", "stem", "image", "image_alt", "explanation", "references", "learning_objective"}
    )
    """What a learner sees or is taught; changing it under answers makes a new version."""

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    stem = models.TextField(help_text="The question as the learner reads it.")
    image = models.FileField(
        upload_to="questions/",
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image],
        help_text="A PNG, JPEG, GIF or WebP image (SVG is not accepted).",
    )
    image_alt = models.CharField(
        max_length=300, blank=True, help_text="What the image shows, for screen readers."
    )
    explanation = models.TextField(help_text="Why the right answer is right; shown in review.")
    learning_objective = models.CharField(max_length=300, blank=True)
    references = models.TextField(
        blank=True, help_text="The source citations, one a line; at least one is required."
    )
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    topics = models.ManyToManyField(Topic, related_name="questions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    family = models.CharField(
        max_length=100,
        default=new_family_key,
        db_index=True,
        help_text="Names the question across its versions and across banks: the Moodle "
        "idnumber on export, and the key a re-import is matched on.",
    )
    version = models.PositiveSmallIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
        help_text="The version this one replaced; its answers stay with it.",
    )
    shipped_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="For a question seed_demo loaded: the digest of what it held as shipped "
        "(bank.question_fingerprint), so a later shipped change is applied only while the "
        "question is unchanged since and an educator's edit in admin is kept.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="question_version_once")
        ]

    def __str__(self) -> str:
        return self.stem[:80]

    @property
    def is_superseded(self) -> bool:
        """A newer version replaced this one; it stays only for the answers given to it."""
        return hasattr(self, "next_version")

    @property
    def allows_several_choices(self) -> bool:
        return self.kind == self.Kind.MULTIPLE

    def item_writing_warnings(self) -> list[item_writing.Warning]:
        """The item-writing flaws of this version (uses prefetched choices when present)."""
        return item_writing.question_warnings(
            kind=self.kind,
            stem=self.stem,
            difficulty=self.difficulty,
            options=[
                item_writing.CheckedOption(choice.text, choice.is_correct)
                for choice in self.choices.all()
            ],
        )

    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    explanation = models.TextField(
        blank=True, help_text="Why this option is right or wrong; required for every option."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Quiz(models.Model):
    """A fixed list of questions, or a rule that draws N questions per attempt."""

    class Mode(models.TextChoices):
        TUTOR = "tutor", "Tutor: feedback after each answer"
        EXAM = "exam", "Exam: feedback at the end"

    class Selection(models.TextChoices):
        FIXED = "fixed", "Fixed questions"
        DRAWN = "drawn", "Drawn by rule"

    class ReviewShows(models.TextChoices):
        EVERYTHING = "everything", "Score, right answers and every explanation"
        CORRECTNESS = "correctness", "Score and which answers were right"
        SCORE = "score", "Score only"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    mode = models.CharField(max_length=5, choices=Mode.choices, default=Mode.TUTOR)
    selection = models.CharField(max_length=5, choices=Selection.choices, default=Selection.FIXED)
    questions = models.ManyToManyField(
        Question, through="QuizQuestion", related_name="quizzes", blank=True
    )
    draw_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Drawn quizzes: how many questions each attempt gets."
    )
    draw_topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    draw_difficulty = models.PositiveSmallIntegerField(
        choices=Question.Difficulty.choices, null=True, blank=True
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty for untimed."
    )
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 for unlimited.")
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=60, validators=[MaxValueValidator(100)]
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(
        default=True,
        help_text="Each attempt shows the options in its own order, kept on reload. Turn off "
        "only when options must stay in place (e.g. 'both of the above'); true/false "
        "questions always read True, then False.",
    )
    certainty_based_marking = models.BooleanField(
        default=False, help_text="Learners state their certainty; marks +1/0, +2/-2, +3/-6."
    )
    review_shows = models.CharField(
        max_length=12, choices=ReviewShows.choices, default=ReviewShows.EVERYTHING
    )
    is_published = models.BooleanField(default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="practice_quizzes",
        help_text="Set for a learner's own custom practice; empty for shared quizzes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    @property
    def is_timed(self) -> bool:
        return bool(self.time_limit_minutes)

    @property
    def is_practice(self) -> bool:
        return self.owner_id is not None


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quiz_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.order}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(help_text="1 for the learner's first attempt.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="Marks, with CBM if used.")
    max_score = models.FloatField(null=True, blank=True)
    raw_score = models.FloatField(
        null=True, blank=True, help_text="Sum of response fractions, without CBM."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="attempt_number_once_per_learner"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(state="in_progress"),
                name="one_open_attempt_per_learner_and_quiz",
                violation_error_message="You already have this quiz open.",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "state"]),
            models.Index(fields=["state", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.quiz} (#{self.number})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    def is_overdue(self, now: datetime) -> bool:
        """An open attempt past its deadline; the server closes it whatever the browser does."""
        return self.is_open and self.deadline is not None and now >= self.deadline

    def seconds_left(self, now: datetime) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - now).total_seconds()))

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)

    @property
    def passed(self) -> bool:
        return self.percent is not None and self.percent >= self.quiz.pass_mark_percent


class Confidence(models.TextChoices):
    LOW = "low", "Not sure"
    MEDIUM = "medium", "Fairly sure"
    HIGH = "high", "Very sure"


class Response(models.Model):
    """One question in one attempt: created when the attempt starts, filled as answered.

    `version` grows with every save; a form carries the version it was rendered with,
    so an answer from a stale page cannot overwrite a newer one.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    position = models.PositiveSmallIntegerField()
    choice_order = models.JSONField(default=list, help_text="Choice ids as shown.")
    chosen = models.ManyToManyField(Choice, through="ResponseChoice", related_name="+")
    confidence = models.CharField(max_length=6, choices=Confidence, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(default=0, validators=[MinValueValidator(0), MaxValueValidator(1)])
    is_correct = models.BooleanField(default=False)
    marks = models.FloatField(default=0)
    seconds_spent = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)

    # Not columns: quizzes.selectors.attempt_responses sets the first two for the pages and
    # the API; the results page adds what other learners answered.
    ordered_choices: list[Choice]
    chosen_ids: set[int]
    peers: PeerFigure | None

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_once"),
            models.UniqueConstraint(fields=["attempt", "position"], name="response_position"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ResponseChoice(models.Model):
    """A choice the learner ticked; rows, so option counts are one GROUP BY."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="selections")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "choice"], name="choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.choice_id}"


class ReviewCard(models.Model):
    """A learner's FSRS card for one question, rescheduled each time it is answered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(default=1, help_text="FSRS state.")
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="FSRS rating of the latest answer: 1 Again to 4 Easy."
    )
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="review_card_once"),
        ]
        indexes = [models.Index(fields=["user", "due"])]

    def __str__(self) -> str:
        return f"{self.user} / {self.question_id}"

    def is_due(self, now: datetime) -> bool:
        return self.due <= now
