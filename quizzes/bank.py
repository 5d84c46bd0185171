"""Writes to the question bank: new versions of answered questions, import and export.

Kept apart from services.py, which holds the learners' writes (attempts, answers,
practice); both follow the same rules: keyword-only functions, one transaction each,
validating before saving.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
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
from quizzes.models import Choice, Question, Quiz, QuizQuestion, Response, ReviewCard, Topic
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
        edited.shipped_digest = ""  # the site's own version, never a shipped one
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


FINGERPRINT_FIELDS = (
    "kind",
    "stem",
    "image",
    "image_alt",
    "explanation",
    "learning_objective",
    "references",
    "difficulty",
    "status",
)
"""What an educator can change of a question in admin, besides its topics and choices."""


def question_fingerprint(question: Question) -> str:
    """A digest of everything an educator can change of a question in admin: its fields,
    topics and choices (prefetch them). Equal digests mean equal content."""
    content = {
        **{name: str(getattr(question, name)) for name in FINGERPRINT_FIELDS},
        "topics": sorted(topic.pk for topic in question.topics.all()),
        "choices": sorted(
            [choice.pk, choice.text, choice.is_correct, choice.explanation, choice.order]
            for choice in question.choices.all()
        ),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()


EDITED_BEFORE_DIGESTS = "edited before digests"
"""`shipped_digest` of a question an educator edited before this site recorded digests: what
was shipped to it is not known, so it stays the educator's and no shipped edition replaces it."""


def shipped_edits_remember(*, question_ids: Iterable[int]) -> None:
    """Mark the kept questions that have no digest, so that they stay kept: the time test
    that found them edited (`ShippedBank`) no longer holds once their file is loaded again."""
    Question.objects.filter(pk__in=list(question_ids), shipped_digest="").update(
        shipped_digest=EDITED_BEFORE_DIGESTS
    )


def shipped_fingerprints_record(*, question_ids: Iterable[int]) -> None:
    """Remember what these just-loaded shipped questions hold, so that the next load can
    tell whether an educator has changed them since (`ShippedBank`)."""
    questions = list(
        Question.objects.filter(pk__in=list(question_ids)).prefetch_related("choices", "topics")
    )
    for question in questions:
        question.shipped_digest = question_fingerprint(question)
    Question.objects.bulk_update(questions, ["shipped_digest"])


@dataclass
class ShippedRows:
    """What of a shipped fixture file may be loaded, and what was left as the site has it."""

    rows: list[dict[str, Any]]
    kept: list[str] = field(default_factory=list)
    """One sentence per shipped row left out or changed so as not to touch the site's own."""
    edited: list[int] = field(default_factory=list)
    """The shipped questions left out because an educator edited them here."""


class ShippedBank:
    """The shipped question rows of every fixture file, to load each file without touching
    the site's own questions.

    A fixture row names its primary key, so loading it overwrites whatever row has that key;
    and a shipped next version clashes with one the site made itself (`question_version_create`
    takes the same family, version number and previous version). A shipped question is
    therefore left out, with its choices, when loading it would overwrite or clash with the
    site's own work: its key holds another question, the site has its own row of that family
    and version or its own next version of the one it follows, the site has versioned past
    it, one of its choices' keys holds a choice of another question, or the version it follows
    was left out, or it was edited here since it was last loaded (its content no longer
    matches `shipped_digest`; a question loaded before the digest existed counts as edited
    when it was saved after its file was last loaded, and stays kept from then on). A quiz
    row naming a question that is not loaded gets the family's newest version here instead
    (the site's own), as an edit in admin would have moved it, or is dropped when there is
    none. A shipped quiz whose key holds the site's own quiz (a learner's review session, an
    educator's quiz) or whose slug the site already uses for another is left out with its
    questions: the learners' attempts on the site's quiz stay with it.
    """

    def __init__(self, question_rows: Iterable[dict[str, Any]]) -> None:
        self.shipped = {row["pk"]: row["fields"] for row in question_rows}

    def rows_to_load(
        self, rows: list[dict[str, Any]], *, last_loaded: datetime | None = None
    ) -> ShippedRows:
        """The rows of one fixture file to load, in their order, and what was kept.

        `last_loaded` is when this file was last loaded here (None: never)."""
        by_model: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_model.setdefault(row["model"], []).append(row)
        questions = by_model.get("quizzes.question", [])
        edited = self._edited_here({row["pk"] for row in questions}, last_loaded)
        left_out = self._left_out(questions, by_model.get("quizzes.choice", []), edited)
        loading = {row["pk"] for row in questions} - set(left_out)
        quizzes_out = self._quizzes_left_out(by_model.get("quizzes.quiz", []))
        members, moved = self._members(
            [
                row
                for row in by_model.get("quizzes.quizquestion", [])
                if row["fields"]["quiz"] not in quizzes_out
            ],
            loading,
        )
        result = ShippedRows(
            [],
            [*left_out.values(), *quizzes_out.values(), *moved],
            [pk for pk in edited if pk in left_out],
        )
        for row in rows:
            if row["model"] == "quizzes.question" and row["pk"] in left_out:
                continue
            if row["model"] == "quizzes.choice" and row["fields"]["question"] in left_out:
                continue
            if row["model"] == "quizzes.quiz" and row["pk"] in quizzes_out:
                continue
            if row["model"] == "quizzes.quizquestion":
                if row["pk"] in members:
                    result.rows.append(members[row["pk"]])
                continue
            result.rows.append(row)
        return result

    def _left_out(
        self,
        questions: list[dict[str, Any]],
        choices: list[dict[str, Any]],
        edited: dict[int, str],
    ) -> dict[int, str]:
        """Shipped question key -> the sentence saying why it is not loaded."""
        if not questions:
            return {}
        here = {
            question.pk: question
            for question in Question.objects.filter(
                Q(pk__in=[row["pk"] for row in questions])
                | Q(pk__in=[row["fields"].get("previous_version") for row in questions])
                | Q(family__in={row["fields"]["family"] for row in questions})
            ).only("pk", "family", "version", "previous_version_id")
        }
        by_version = {(q.family, q.version): q.pk for q in here.values()}
        successor = {q.previous_version_id: q.pk for q in here.values() if q.previous_version_id}
        owner = dict(
            Choice.objects.filter(pk__in=[row["pk"] for row in choices]).values_list(
                "pk", "question_id"
            )
        )
        foreign_choice = {
            row["fields"]["question"]: row["pk"]
            for row in choices
            if owner.get(row["pk"], row["fields"]["question"]) != row["fields"]["question"]
        }
        file_keys = {row["pk"] for row in questions}
        left_out: dict[int, str] = {}
        for row in sorted(questions, key=lambda r: (r["fields"]["family"], r["fields"]["version"])):
            pk, family, version = row["pk"], row["fields"]["family"], row["fields"]["version"]
            previous = row["fields"].get("previous_version")
            own = here.get(pk)
            if own is not None and (own.family, own.version) != (family, version):
                reason = f"#{pk} here is this site's own {own.family} version {own.version}"
            elif (same := by_version.get((family, version), pk)) != pk:
                reason = f"this site has its own version {version} (question #{same})"
            elif previous is not None and successor.get(previous, pk) != pk:
                reason = f"this site has its own next version (question #{successor[previous]})"
            elif previous in left_out:
                reason = "the version it follows is kept as this site has it"
            elif (
                previous is not None
                and previous not in file_keys
                and (previous not in here or here[previous].family != family)
            ):
                reason = f"the version it follows (question #{previous}) is not here as shipped"
            elif own is not None and successor.get(pk, pk) not in (pk, *self.shipped):
                reason = f"this site has versioned past it (question #{successor[pk]})"
            elif pk in foreign_choice:
                choice = foreign_choice[pk]
                reason = f"choice #{choice} here belongs to this site's question #{owner[choice]}"
            elif pk in edited:
                reason = f"it was edited here since it was shipped (last saved {edited[pk]})"
            else:
                continue
            left_out[pk] = (
                f"kept this site's own edits: the shipped {family} version {version} "
                f"(question #{pk}) was not loaded, because {reason}."
            )
        return left_out

    @staticmethod
    def _edited_here(keys: set[int], last_loaded: datetime | None) -> dict[int, str]:
        """Question key -> when it was last saved, for the questions here on these keys
        whose content is no longer what was shipped."""
        edited = {}
        for question in Question.objects.filter(pk__in=keys).prefetch_related("choices", "topics"):
            if question.shipped_digest:
                changed = question.shipped_digest != question_fingerprint(question)
            else:
                changed = last_loaded is not None and question.updated_at > last_loaded
            if changed:
                edited[question.pk] = f"{question.updated_at:%Y-%m-%d %H:%M} UTC"
        return edited

    @staticmethod
    def _quizzes_left_out(quizzes: list[dict[str, Any]]) -> dict[int, str]:
        """Shipped quiz key -> the sentence saying why it is not loaded."""
        if not quizzes:
            return {}
        slugs = [row["fields"]["slug"] for row in quizzes]
        here = Quiz.objects.filter(Q(pk__in=[row["pk"] for row in quizzes]) | Q(slug__in=slugs))
        slug_at = dict(here.values_list("pk", "slug"))
        pk_of = {slug: pk for pk, slug in slug_at.items()}
        left_out: dict[int, str] = {}
        for row in quizzes:
            pk, slug = row["pk"], row["fields"]["slug"]
            if slug_at.get(pk, slug) != slug:
                reason = f"#{pk} here is this site's own quiz {slug_at[pk]!r}"
            elif pk_of.get(slug, pk) != pk:
                reason = f"this site's quiz #{pk_of[slug]} already has the slug {slug!r}"
            else:
                continue
            left_out[pk] = (
                f"kept this site's own quizzes: the shipped quiz {slug!r} (quiz #{pk}) was not "
                f"loaded, because {reason}."
            )
        return left_out

    def _members(
        self, members: list[dict[str, Any]], loading: set[int]
    ) -> tuple[dict[int, dict[str, Any]], list[str]]:
        """Quiz rows by key, each naming a question this site has (the shipped one, or the
        newest version of its family here when that one is not loaded), and what moved. A
        row whose key holds a row of another quiz here (the site's own) is added under a
        key above every key here and in the file instead of overwriting it."""
        if not members:
            return {}, []
        quiz_at = dict(
            QuizQuestion.objects.filter(pk__in=[row["pk"] for row in members]).values_list(
                "pk", "quiz_id"
            )
        )
        own_keys = {
            row["pk"]
            for row in members
            if quiz_at.get(row["pk"], row["fields"]["quiz"]) == row["fields"]["quiz"]
        }
        highest = QuizQuestion.objects.aggregate(top=Max("pk"))["top"] or 0
        free_keys = itertools.count(max(highest, *(row["pk"] for row in members)) + 1)
        named = {row["fields"]["question"] for row in members}
        families = {self.shipped[pk]["family"] for pk in named if pk in self.shipped}
        here = dict(Question.objects.filter(pk__in=named).values_list("pk", "family"))
        newest = dict(
            Question.objects.filter(family__in=families, next_version__isnull=True)
            .exclude(status=Question.Status.RETIRED)
            .values_list("family", "pk")
        )
        taken = set(
            QuizQuestion.objects.filter(quiz__in={row["fields"]["quiz"] for row in members})
            .exclude(pk__in=own_keys)
            .values_list("quiz", "question")
        )
        placed: dict[int, dict[str, Any]] = {}
        moved = []
        for row in members:
            quiz, question = row["fields"]["quiz"], row["fields"]["question"]
            family = self.shipped.get(question, {}).get("family")
            if question in loading or (family is not None and here.get(question) == family):
                target = question
            else:
                target = newest.get(family)
                instead = "nothing" if target is None else f"this site's question #{target}"
                moved.append(
                    f"quiz #{quiz} lists {instead} in place of the shipped question "
                    f"#{question}, which was not loaded."
                )
            if target is None or (quiz, target) in taken:
                continue
            taken.add((quiz, target))
            key = row["pk"] if row["pk"] in own_keys else next(free_keys)
            placed[row["pk"]] = {**row, "pk": key, "fields": {**row["fields"], "question": target}}
        return placed, moved


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
