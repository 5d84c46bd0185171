"""Writes to the question bank: new versions of answered questions, import and export.

Kept apart from services.py, which holds the learners' writes (attempts, answers,
practice); both follow the same rules: keyword-only functions, one transaction each,
validating before saving.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from quizzes.exchange import (
    ExchangeError,
    ImageRecord,
    OptionRecord,
    QuestionRecord,
    Skipped,
    gift,
    moodle_xml,
)
from quizzes.models import Choice, Question, QuizQuestion, Response, ReviewCard, Topic
from quizzes.validation import OptionDraft, question_problems


def question_is_answered(*, question_id: int) -> bool:
    """Whether any learner has been shown this version (a response row exists)."""
    return Response.objects.filter(question_id=question_id).exists()


def question_version_create(
    *, edited: Question, choices: Sequence[Choice], topics: Iterable[Topic]
) -> Question:
    """Save an author's edit of an answered question as its next version.

    `edited` holds the new wording on the old row's primary key (as a form leaves it);
    the old row is left exactly as learners saw it and retired, so attempts, results and
    item statistics keep the version they showed. Quizzes and learners' review cards move
    to the new version, which is what learners meet from now on.
    """
    with transaction.atomic():
        previous = Question.objects.select_for_update().get(pk=edited.pk)
        latest = Question.objects.filter(family=previous.family).aggregate(v=Max("version"))["v"]
        edited.pk = None
        edited._state.adding = True
        edited.family = previous.family
        edited.version = (latest or previous.version) + 1
        edited.previous_version = previous
        edited.save()
        edited.topics.set(topics)
        Choice.objects.bulk_create(
            Choice(
                question=edited,
                text=choice.text,
                is_correct=choice.is_correct,
                explanation=choice.explanation,
                order=choice.order,
            )
            for choice in choices
        )
        previous.status = Question.Status.RETIRED
        previous.save(update_fields=["status", "updated_at"])
        QuizQuestion.objects.filter(question=previous).update(question=edited)
        ReviewCard.objects.filter(question=previous).update(question=edited)
    return edited


def superseded_versions_forward() -> int:
    """Move quizzes and review cards still on a replaced version to its family's newest one.

    An edit in admin moves them in `question_version_create`; a shipped fixture that adds a
    question's next version (fixtures/51_…) only adds rows, so `seed_demo` calls this after
    loading, and an educator's own quiz or a learner's review card follows the question as
    it would after an edit. A quiz or learner that already has the newest version keeps the
    old row, which the unique constraints allow once. Returns how many rows moved.
    """
    with transaction.atomic():
        replaced = list(
            Question.objects.filter(next_version__isnull=False).values_list("pk", "family")
        )
        newest = dict(
            Question.objects.filter(
                next_version__isnull=True, family__in={family for _, family in replaced}
            ).values_list("family", "pk")
        )
        moved = 0
        for old, family in replaced:
            new = newest[family]
            moved += (
                QuizQuestion.objects.filter(question_id=old)
                .exclude(quiz__in=QuizQuestion.objects.filter(question_id=new).values("quiz"))
                .update(question_id=new)
            )
            moved += (
                ReviewCard.objects.filter(question_id=old)
                .exclude(user__in=ReviewCard.objects.filter(question_id=new).values("user"))
                .update(question_id=new)
            )
    return moved


# --- import and export --------------------------------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
"""Largest file accepted for import (5 MB); our choice, enough for a bank with images."""


class Format:
    MOODLE_XML = "moodle-xml"
    GIFT = "gift"
    CHOICES = [(MOODLE_XML, "Moodle XML"), (GIFT, "GIFT")]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), question by question."""

    dry_run: bool
    imported: list[tuple[str, int | None, list[str]]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    refused: list[tuple[str, list[str]]] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would import" if self.dry_run else "imported"
        out = [
            f"{verb} {len(self.imported)}, skipped {len(self.skipped)}, refused {len(self.refused)}"
        ]
        for name, pk, notes in self.imported:
            out.append(f"{verb}: {name}" + (f" (question #{pk}, draft)" if pk else ""))
            out.extend(f"    note: {note}" for note in notes)
        out.extend(f"skipped: {item.name}: {item.reason}" for item in self.skipped)
        for name, problems in self.refused:
            out.append(f"refused: {name}: {' '.join(problems)}")
        return out


def _detect_format(data: bytes) -> str:
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return Format.MOODLE_XML if head.startswith((b"<?xml", b"<quiz", b"<!")) else Format.GIFT


def questions_import(*, data: bytes, file_format: str | None, dry_run: bool) -> ImportReport:
    """Read a Moodle XML or GIFT file and add its questions to the bank as drafts.

    The whole file is refused (ExchangeError, nothing saved) when it is too large, not
    XML or GIFT, malformed or hostile. Otherwise each question is imported, skipped
    (an unsupported type, or already in the bank: same family key) or refused by name
    with the rules it breaks, and the rest go on. A question's key is its Moodle
    idnumber or GIFT [id:], else a hash of its content, so importing a file twice adds
    nothing the second time.
    """
    if len(data) > IMPORT_MAX_BYTES:
        raise ExchangeError(
            f"The file is {len(data) / 1048576:.1f} MB; the limit is "
            f"{IMPORT_MAX_BYTES // 1048576} MB. Nothing was imported."
        )
    file_format = file_format or _detect_format(data)
    if file_format not in dict(Format.CHOICES):
        raise ExchangeError(f"Unknown format {file_format!r}: use moodle-xml or gift.")
    reader = moodle_xml.read if file_format == Format.MOODLE_XML else gift.read
    parsed = reader(data)
    report = ImportReport(dry_run=dry_run, skipped=list(parsed.skipped))
    seen: set[str] = set()
    existing = dict(
        Question.objects.filter(
            family__in=[record.key or _content_key(record) for record in parsed.questions]
        ).values_list("family", "pk")
    )
    with transaction.atomic():
        for record in parsed.questions:
            record.key = record.key or _content_key(record)
            if record.key in existing or record.key in seen:
                where = f"question #{existing[record.key]}" if record.key in existing else "file"
                report.skipped.append(
                    Skipped(record.name, f"Already in the {where} (key {record.key}).")
                )
                continue
            seen.add(record.key)
            problems = question_problems(
                kind=record.kind,
                options=[OptionDraft(o.text, o.is_correct, o.feedback) for o in record.options],
                references="\n".join(record.references),
            )
            if problems:
                report.refused.append((record.name, problems))
                continue
            pk = None if dry_run else _question_save(record).pk
            report.imported.append((record.name, pk, record.notes))
    return report


def _content_key(record: QuestionRecord) -> str:
    """A stable key for a question that came without one: a hash of what it asks."""
    content = "\n".join(
        [record.kind, record.stem, *(f"{o.is_correct}:{o.text}" for o in record.options)]
    )
    return "sha1-" + hashlib.sha1(content.encode("utf-8")).hexdigest()


def _question_save(record: QuestionRecord) -> Question:
    question = Question(
        kind=record.kind,
        stem=record.stem,
        explanation=record.explanation,
        references="\n".join(record.references),
        status=Question.Status.DRAFT,
        family=record.key,
    )
    if record.image is not None:
        question.image.save(record.image.name, ContentFile(record.image.data), save=False)
        question.image_alt = record.image.alt[:300]
    question.save()
    question.topics.set([_topic_for(path) for path in [record.category, *record.topics] if path])
    Choice.objects.bulk_create(
        Choice(
            question=question,
            text=option.text[:500],
            is_correct=option.is_correct,
            explanation=option.feedback,
            order=order,
        )
        for order, option in enumerate(record.options, start=1)
    )
    return question


def _topic_for(path: list[str]) -> Topic:
    """The topic at a category path, made (with its parents) where it does not exist."""
    parent: Topic | None = None
    for name in path:
        topic = Topic.objects.filter(name__iexact=name, parent=parent).first()
        if topic is None:
            base = slugify(name)[:100] or "topic"
            slug = base
            if parent is not None and Topic.objects.filter(slug=slug).exists():
                slug = f"{parent.slug}-{base}"[:120]
            while Topic.objects.filter(slug=slug).exists():
                slug = f"{base}-{uuid.uuid4().hex[:6]}"
            topic = Topic.objects.create(name=name[:120], slug=slug, parent=parent)
        parent = topic
    assert parent is not None
    return parent


def _topic_path(topic: Topic) -> list[str]:
    path: list[str] = []
    node: Topic | None = topic
    while node is not None:
        path.insert(0, node.name)
        node = node.parent
    return path


def questions_export(*, file_format: str, topic: Topic | None = None) -> bytes:
    """The bank's current versions (ready and draft, not retired) as Moodle XML or GIFT.

    The first topic of a question is its category; further topics travel as tags
    "topic:A/B". `topic` limits the export to that topic and its subtopics.
    """
    questions = Question.objects.exclude(status=Question.Status.RETIRED).prefetch_related(
        "choices", "topics__parent__parent"
    )
    if topic is not None:
        below = [topic.pk, *Topic.objects.filter(parent=topic).values_list("pk", flat=True)]
        questions = questions.filter(topics__in=below).distinct()
    records = []
    for question in questions:
        paths = sorted(_topic_path(t) for t in question.topics.all())
        image = None
        if question.image:
            with question.image.open("rb") as handle:
                image = ImageRecord(
                    name=(question.image.name or "image").rsplit("/", 1)[-1],
                    data=handle.read(),
                    alt=question.image_alt,
                )
        records.append(
            QuestionRecord(
                name=f"Q{question.pk} {question.stem[:50]}".strip(),
                kind=question.kind,
                stem=question.stem,
                explanation=question.explanation,
                references=question.reference_list(),
                options=[
                    OptionRecord(c.text, 1.0 if c.is_correct else 0.0, c.explanation)
                    for c in question.choices.all()
                ],
                category=paths[0] if paths else [],
                topics=paths[1:],
                key=question.family,
                image=image,
            )
        )
    records.sort(key=lambda record: record.category)
    if file_format == Format.MOODLE_XML:
        return moodle_xml.write(records)
    if file_format == Format.GIFT:
        return gift.write(records).encode("utf-8")
    raise ExchangeError(f"Unknown format {file_format!r}: use moodle-xml or gift.")
