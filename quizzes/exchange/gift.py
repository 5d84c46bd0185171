"""GIFT, Moodle's text format: multiple choice (one or several right), true/false, categories.

Read: `$CATEGORY:` lines, `::name::`, a `[html]`/`[plain]`/`[moodle]`/`[markdown]` marker,
`=right`/`~wrong` answers with `%weight%` and `#feedback`, `####general feedback`,
`{T}`/`{FALSE#wrong-answer feedback#right-answer feedback}`, `// [id:...]` and
`// [tag:...]` comments before a question. Other types (short answer, numerical,
matching, essay, description) are skipped with a reason. Backslash escapes `\\~ \\= \\#
\\{ \\} \\: \\\\` and `\\n` are honoured in both directions.
"""

from __future__ import annotations

import re

from quizzes.exchange import (
    TOPIC_TAG_PREFIX,
    ExchangeError,
    OptionRecord,
    ParsedFile,
    QuestionRecord,
    Skipped,
    category_path,
    category_text,
    explanation_and_references,
    feedback_with_references,
)
from quizzes.exchange.text import text_as_html, text_from_html

_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
_RESTORE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_ID = re.compile(r"\[id:((?:\\\]|[^\]])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]])+)\]")
_NAME = re.compile(r"^::(.*?)::", re.S)
_FORMAT = re.compile(r"^\s*\[(html|plain|moodle|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_NO_ANSWERS = "No answer block in braces: not a GIFT question."
_TRUE_FALSE = re.compile(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", re.S)


def _protect(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def read(data: bytes) -> ParsedFile:
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExchangeError("The file is not text in UTF-8, so it is not a GIFT file.") from error
    parsed = ParsedFile()
    category: list[str] = []
    comments: list[str] = []
    block: list[str] = []

    def finish_block() -> None:
        nonlocal comments
        text = "\n".join(block).strip()
        block.clear()
        if text:
            _read_question(_protect(text), comments, category, parsed)
        comments = []

    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped)
        elif stripped.startswith("$CATEGORY:"):
            finish_block()
            category = category_path(stripped[len("$CATEGORY:") :].strip())
        elif not stripped:
            finish_block()
        else:
            block.append(line)
    finish_block()
    if not parsed.questions and all(s.reason == _NO_ANSWERS for s in parsed.skipped):
        raise ExchangeError("No GIFT questions were found: this is not a Moodle XML or GIFT file.")
    return parsed


def _read_question(text: str, comments: list[str], category: list[str], parsed: ParsedFile) -> None:
    name_match = _NAME.match(text)
    name = _restore(name_match.group(1)).strip() if name_match else ""
    body = text[name_match.end() :] if name_match else text
    format_match = _FORMAT.match(body)
    is_html = format_match is not None and format_match.group(1).lower() in ("html", "moodle")
    body = body[format_match.end() :] if format_match else body
    opening, closing = body.find("{"), body.rfind("}")
    stem_text = body[:opening] if opening >= 0 else body
    name = name or _restore(stem_text).strip()[:60] or "unnamed question"
    if opening < 0 or closing < opening:
        parsed.skipped.append(Skipped(name, _NO_ANSWERS))
        return
    answers = body[opening + 1 : closing].strip()
    after = body[closing + 1 :].strip()

    def as_text(raw: str) -> str:
        raw = _restore(raw).strip()
        return text_from_html(raw) if is_html else text_from_html(text_as_html(raw))

    stem = as_text(stem_text + (f" _____ {after}" if after else ""))
    general = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
        answers = answers.strip()
    explanation, references = explanation_and_references(as_text(general))
    comment_text = " ".join(comments)
    key_match = _ID.search(comment_text)
    record = QuestionRecord(
        name=name,
        kind="",
        stem=stem,
        explanation=explanation,
        references=references,
        options=[],
        category=category,
        topics=[
            category_path(tag[len(TOPIC_TAG_PREFIX) :])
            for tag in (m.replace("\\]", "]") for m in _TAG.findall(comment_text))
            if tag.startswith(TOPIC_TAG_PREFIX)
        ],
        key=key_match.group(1).replace("\\]", "]").strip() if key_match else "",
    )
    true_false = _TRUE_FALSE.match(answers)
    if true_false:
        is_true = true_false.group(1).startswith("T")
        feedback = [*(true_false.group(2) or "").split("#")[1:], "", ""]
        wrong, right = as_text(feedback[0]), as_text(feedback[1])
        record.kind = "true_false"
        record.options = [
            OptionRecord("True", 1.0 if is_true else 0.0, right if is_true else wrong),
            OptionRecord("False", 0.0 if is_true else 1.0, wrong if is_true else right),
        ]
        parsed.questions.append(record)
        return
    reason = _unsupported(answers)
    if reason:
        parsed.skipped.append(Skipped(name, reason))
        return
    weighted = False
    for mark, raw in re.findall(r"([=~])([^=~]*)", answers):
        weight = _WEIGHT.match(raw.strip())
        weighted = weighted or weight is not None
        raw = raw.strip()[weight.end() :] if weight else raw
        option_text, _, option_feedback = raw.partition("#")
        fraction = float(weight.group(1)) / 100 if weight else (1.0 if mark == "=" else 0.0)
        record.options.append(
            OptionRecord(as_text(option_text), fraction, as_text(option_feedback))
        )
    record.kind = "multiple" if weighted else "single"
    parsed.questions.append(record)


def _unsupported(answers: str) -> str:
    if not answers:
        return "Description or essay questions are not supported."
    if answers.startswith("#"):
        return "Numerical questions are not supported."
    if "->" in answers:
        return "Matching questions are not supported."
    if "~" not in answers:
        return "Short-answer questions are not supported."
    return ""


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _tag(topic: list[str]) -> str:
    return (TOPIC_TAG_PREFIX + "/".join(topic)).replace("]", "\\]")


def _html(text: str) -> str:
    return _escape(text_as_html(text))


def write(questions: list[QuestionRecord]) -> str:
    """A GIFT file of the records; HTML text, so inline tags and line breaks survive."""
    out: list[str] = []
    current: list[str] | None = None
    for record in questions:
        if record.category != current:
            current = record.category
            out.append(f"$CATEGORY: {category_text(record.category)}\n")
        tags = "".join(f" [tag:{_tag(topic)}]" for topic in record.topics)
        out.append(f"// [id:{record.key}]{tags}")
        general = _html(feedback_with_references(record.explanation, record.references))
        head = f"::{_escape(record.name)}::[html]{_html(record.stem)} {{"
        if record.kind == "true_false":
            right = next(o for o in record.options if o.is_correct)
            wrong = next(o for o in record.options if not o.is_correct)
            answer = "TRUE" if right.text == "True" else "FALSE"
            out.append(
                f"{head}{answer}#{_html(wrong.feedback)}#{_html(right.feedback)}####{general}}}\n"
            )
            continue
        lines = [head]
        right_count = sum(o.is_correct for o in record.options)
        wrong_count = len(record.options) - right_count
        for option in record.options:
            if record.kind == "single":
                mark = "=" if option.is_correct else "~"
            else:
                share = 1 / right_count if option.is_correct else -1 / wrong_count
                mark = f"~%{100 * share:.5f}%".replace(".00000%", "%")
            lines.append(f"\t{mark}{_html(option.text)}#{_html(option.feedback)}")
        lines.append(f"\t####{general}")
        lines.append("}\n")
        out.append("\n".join(lines))
    return "\n".join(out)
