"""Small display filters for quiz pages."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from quizzes.exchange.text import text_as_html

register = template.Library()


@register.filter
def clock(seconds: int | None) -> str:
    """Seconds as m:ss (or h:mm:ss), the way a countdown reads."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def percent_of(part: float | None, whole: float | None) -> str:
    if part is None or not whole:
        return ""
    return f"{100 * part / whole:.0f}%"


@register.filter
def rich_text(text: str | None) -> SafeString:
    """Question text as HTML: line breaks kept, a few inline tags allowed, all else escaped.

    nh3 cleans on every render (quizzes/exchange/text.py), so imported or typed markup
    beyond the allowed inline tags never reaches a learner.
    """
    return mark_safe(text_as_html(text or ""))
