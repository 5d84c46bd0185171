"""Question text: plain text with a few inline tags, cleaned with nh3 on the way in and out.

Our fields hold plain text (line breaks as newlines) that may carry the inline tags in
INLINE_TAGS. Imported HTML is reduced to that: paragraphs, line breaks and list items
become newlines, every other tag is dropped (script and style with their content),
source line breaks count as spaces (as in any HTML), and entities are decoded so an
educator edits readable text in admin. Pages render the text through `text_as_html`,
which cleans it again, so nothing else ever reaches a learner.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

INLINE_TAGS = frozenset({"b", "em", "i", "strong", "sub", "sup"})
_BLOCK_BREAK = re.compile(r"<\s*(br|/p|/div|/ul|/ol|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def text_from_html(markup: str) -> str:
    """Imported HTML as our text: the allowed inline tags kept, blocks as line breaks."""
    markup = _LIST_ITEM.sub("\n• ", _BLOCK_BREAK.sub("\n", _SPACES.sub(" ", markup)))
    cleaned = nh3.clean(markup, tags=set(INLINE_TAGS), attributes={}, link_rel=None)
    lines = [line.strip() for line in html.unescape(cleaned).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@lru_cache(maxsize=4096)
def text_as_html(text: str) -> str:
    """Our text as safe HTML: newlines as <br>, only INLINE_TAGS kept, the rest escaped.

    It depends on the text alone, so each process cleans a text once: a question page
    shows a stem and every option's text on each answer.
    """
    return nh3.clean(
        text.replace("\r\n", "\n").replace("\n", "<br>"),
        tags={*INLINE_TAGS, "br"},
        attributes={},
        link_rel=None,
    )
