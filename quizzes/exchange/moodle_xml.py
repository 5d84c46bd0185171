"""Moodle XML: multichoice (single and multiple), truefalse and category, read and written.

Parsing goes through defusedxml with DTDs forbidden, so external entities and entity
expansions (billion laughs) are refused before anything is read. Other question types
are skipped with a reason. Embedded images (`<file>` under the question text, referred
to as @@PLUGINFILE@@/name) come back as the question's image.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from quizzes.exchange import (
    TOPIC_TAG_PREFIX,
    ExchangeError,
    ImageRecord,
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

SUPPORTED = ("multichoice", "truefalse")
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")
_PLUGINFILE_IMG = re.compile(
    r"<img\b[^>]*?src\s*=\s*[\"']@@PLUGINFILE@@/([^\"']+)[\"'][^>]*>", re.IGNORECASE
)
_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_ANY_IMG = re.compile(r"<img\b", re.IGNORECASE)


def read(data: bytes) -> ParsedFile:
    """Every supported question in the file, and every other one with why it was skipped."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ExchangeError(
            "The file declares a DTD or entities (as in an external-entity or billion-laughs "
            f"attack); it was refused and nothing was imported. ({type(error).__name__})"
        ) from error
    except ParseError as error:
        raise ExchangeError(f"The file is not well-formed XML: {error}.") from error
    if root.tag != "quiz":
        raise ExchangeError(f"Not a Moodle XML file: the root is <{root.tag}>, not <quiz>.")
    parsed = ParsedFile()
    category: list[str] = []
    for number, element in enumerate(root.iter("question"), start=1):
        kind = element.get("type", "")
        if kind == "category":
            category = category_path(_text(element.find("category")))
            continue
        name = _text(element.find("name")) or f"question {number}"
        if kind not in SUPPORTED:
            parsed.skipped.append(
                Skipped(
                    name,
                    f"{kind or 'untyped'} questions are not supported (only multiple "
                    "choice and true/false).",
                )
            )
            continue
        parsed.questions.append(_question(element, name=name, kind=kind, category=category))
    return parsed


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text or "") or ""


def _fraction(answer: Element) -> float:
    try:
        return float(answer.get("fraction", "0")) / 100
    except ValueError:
        return 0.0


def _question(element: Element, *, name: str, kind: str, category: list[str]) -> QuestionRecord:
    questiontext = element.find("questiontext")
    stem_html = _text(questiontext)
    notes: list[str] = []
    image = _image(questiontext, stem_html, notes)
    explanation, references = explanation_and_references(
        text_from_html(_text(element.find("generalfeedback")))
    )
    answers = element.findall("answer")
    options = [
        OptionRecord(
            text=text_from_html(_text(answer)),
            fraction=_fraction(answer),
            feedback=text_from_html(_text(answer.find("feedback"))),
        )
        for answer in answers
    ]
    if kind == "truefalse":
        our_kind = "true_false"
        options = [
            OptionRecord(option.text.strip().capitalize(), option.fraction, option.feedback)
            for option in options
        ]
    else:
        single = _text(element.find("single")).strip().lower() in ("true", "1")
        our_kind = "single" if single else "multiple"
        options = _marks_mapped(options, single=single, notes=notes)
    topics = [
        category_path(tag_text[len(TOPIC_TAG_PREFIX) :])
        for tag in element.findall("tags/tag")
        if (tag_text := _text(tag).strip()).startswith(TOPIC_TAG_PREFIX)
    ]
    return QuestionRecord(
        name=name,
        kind=our_kind,
        stem=text_from_html(_PLUGINFILE_IMG.sub("", stem_html)),
        explanation=explanation,
        references=references,
        options=options,
        category=category,
        topics=topics,
        key=_text(element.find("idnumber")).strip(),
        image=image,
        notes=notes,
    )


def _marks_mapped(
    options: list[OptionRecord], *, single: bool, notes: list[str]
) -> list[OptionRecord]:
    """The file's fractions in our marking rule, with a note wherever marks will differ.

    Single best answer: the option at 100% is the key, every other option scores 0.
    Multiple response: options with a positive fraction are right, and our rule gives
    each right option 1/C and takes 1/I for each wrong tick (docs/quizzes.md); a file
    that weights right options unequally, or penalises wrong ones differently (a
    negative fraction is its penalty), is marked by our rule from now on.
    """
    if single:
        partial = [o.text for o in options if 0 < o.fraction < 0.9999]
        if partial:
            notes.append(
                "Partial credit on a single-answer question is not kept (only the option at "
                f"100% is right): {', '.join(partial)}."
            )
        return [
            OptionRecord(o.text, 1.0 if o.fraction >= 0.9999 else 0.0, o.feedback) for o in options
        ]
    right = [o for o in options if o.fraction > 0]
    wrong = [o for o in options if o.fraction <= 0]
    if right and any(abs(o.fraction - 1 / len(right)) > 0.001 for o in right):
        notes.append(
            "The file weights the right options unequally; here each right option earns "
            f"1/{len(right)} of the marks."
        )
    if wrong and any(abs(o.fraction + 1 / len(wrong)) > 0.001 for o in wrong):
        notes.append(
            "The file's penalties for wrong options differ from ours; here each wrong tick "
            f"costs 1/{len(wrong)} of the marks."
        )
    return options


def _image(questiontext: Element | None, stem_html: str, notes: list[str]) -> ImageRecord | None:
    if questiontext is None:
        return None
    files = {file.get("name", ""): file for file in questiontext.findall("file")}
    referenced = _PLUGINFILE_IMG.findall(stem_html)
    if len(_ANY_IMG.findall(stem_html)) > len(referenced):
        notes.append("Images not embedded in the file (linked from elsewhere) were left out.")
    if len(referenced) > 1:
        notes.append("A question keeps one image: only the first was imported.")
    if not referenced:
        return None
    name = referenced[0].rsplit("/", 1)[-1]
    file = files.get(name)
    if file is None or name.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS:
        notes.append(f"The image {name} is missing from the file or not an image; left out.")
        return None
    try:
        data = base64.b64decode(file.text or "", validate=True)
    except (binascii.Error, ValueError):
        notes.append(f"The image {name} is not valid base64; left out.")
        return None
    tag = _PLUGINFILE_IMG.search(stem_html)
    alt_match = _ALT.search(tag.group(0)) if tag else None
    alt = html.unescape(alt_match.group(1)) if alt_match else ""
    return ImageRecord(name=name, data=data, alt=alt)


def write(questions: list[QuestionRecord]) -> bytes:
    """A Moodle XML file of the records, with a category before each change of topic."""
    root = Element("quiz")
    current: list[str] | None = None
    for record in questions:
        if record.category != current:
            current = record.category
            category = SubElement(root, "question", type="category")
            _add_text(category, "category", category_text(record.category))
        root.append(_question_element(record))
    indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8") + b"\n"


def _add_text(parent: Element, tag: str, text: str, **attributes: str) -> Element:
    element = SubElement(parent, tag, attrib=dict(attributes))
    SubElement(element, "text").text = text
    return element


def _question_element(record: QuestionRecord) -> Element:
    element = Element(
        "question", type="truefalse" if record.kind == "true_false" else "multichoice"
    )
    _add_text(element, "name", record.name)
    stem = text_as_html(record.stem)
    if record.image is not None:
        stem += (
            f'<p><img src="@@PLUGINFILE@@/{record.image.name}" alt="{_attr(record.image.alt)}"></p>'
        )
    questiontext = _add_text(element, "questiontext", stem, format="html")
    if record.image is not None:
        file = SubElement(questiontext, "file", name=record.image.name, path="/", encoding="base64")
        file.text = base64.b64encode(record.image.data).decode("ascii")
    feedback = feedback_with_references(record.explanation, record.references)
    _add_text(element, "generalfeedback", text_as_html(feedback), format="html")
    SubElement(element, "defaultgrade").text = "1.0000000"
    SubElement(element, "penalty").text = (
        "0.3333333" if record.kind != "true_false" else "1.0000000"
    )
    SubElement(element, "hidden").text = "0"
    SubElement(element, "idnumber").text = record.key
    if record.kind != "true_false":
        SubElement(element, "single").text = "true" if record.kind == "single" else "false"
        SubElement(element, "shuffleanswers").text = "true"
        SubElement(element, "answernumbering").text = "abc"
    for option in record.options:
        text = option.text.lower() if record.kind == "true_false" else text_as_html(option.text)
        answer = _add_text(
            element,
            "answer",
            text,
            fraction=_percent(option.fraction),
            format="moodle_auto_format" if record.kind == "true_false" else "html",
        )
        _add_text(answer, "feedback", text_as_html(option.feedback), format="html")
    if record.topics:
        tags = SubElement(element, "tags")
        for topic in record.topics:
            _add_text(tags, "tag", TOPIC_TAG_PREFIX + "/".join(topic))
    return element


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.7f}".rstrip("0").rstrip(".") or "0"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
