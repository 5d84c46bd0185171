"""Question exchange with other platforms: Moodle XML and GIFT, read and written.

The readers and writers are plain Python: they turn file bytes into `QuestionRecord`s
and records into text, with no database. `quizzes/bank.py` validates records, matches
them with the bank and saves them. Formats and the mapping: docs/quizzes.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ExchangeError(Exception):
    """A file refused as a whole (not XML or GIFT, too large, malformed, hostile)."""


@dataclass(frozen=True)
class OptionRecord:
    """One answer option; `fraction` is the file's grade for it, from -1 to 1."""

    text: str
    fraction: float
    feedback: str

    @property
    def is_correct(self) -> bool:
        return self.fraction > 0


@dataclass(frozen=True)
class ImageRecord:
    name: str
    data: bytes
    alt: str


@dataclass
class QuestionRecord:
    """A question as read from a file, in our terms (`kind` is one of Question.Kind)."""

    name: str
    kind: str
    stem: str
    explanation: str
    references: list[str]
    options: list[OptionRecord]
    category: list[str]
    topics: list[list[str]] = field(default_factory=list)
    key: str = ""
    image: ImageRecord | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass
class ParsedFile:
    questions: list[QuestionRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


REFERENCES_PREFIX = "References:"
"""General feedback ends with a line "References: A; B" carrying the question's citations."""
TOPIC_TAG_PREFIX = "topic:"
"""A tag "topic:A/B" names a further topic beyond the question's category."""


def explanation_and_references(feedback: str) -> tuple[str, list[str]]:
    """Split general feedback into the explanation and the citations of its last line."""
    lines = feedback.rstrip().splitlines()
    if lines and lines[-1].strip().lower().startswith(REFERENCES_PREFIX.lower()):
        cited = lines[-1].strip()[len(REFERENCES_PREFIX) :]
        references = [part.strip() for part in cited.split(";") if part.strip()]
        return "\n".join(lines[:-1]).strip(), references
    return feedback.strip(), []


def feedback_with_references(explanation: str, references: list[str]) -> str:
    if not references:
        return explanation
    return f"{explanation}\n\n{REFERENCES_PREFIX} {'; '.join(references)}"


def category_path(text: str) -> list[str]:
    """Moodle's "$course$/top/A/B" as ["A", "B"]; "//" inside a name is a literal slash."""
    parts = [part.replace("\0", "/").strip() for part in text.replace("//", "\0").split("/")]
    parts = [part for part in parts if part]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts


def category_text(path: list[str]) -> str:
    return "/".join(["$course$", "top", *(part.replace("/", "//") for part in path)])
