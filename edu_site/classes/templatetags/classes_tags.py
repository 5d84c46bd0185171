"""Template tags for the class pages."""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from edu_site.classes.selectors import AttemptFacts, Cell, GradebookRow

register = template.Library()


@register.filter
def educator_url(attempt: AttemptFacts, class_id: int) -> str:
    """The read-only debrief or results of a learner's attempt, seen from the class."""
    return attempt.educator_url(class_id)


@lru_cache(maxsize=512)
def _attempt_url_prefix(kind: str, class_id: int) -> str:
    """The URL of the class's attempt pages without the attempt's id, reversed once."""
    return reverse(f"classes:{kind}-attempt", args=[class_id, 0]).removesuffix("0/")


def _cell(cell: Cell, class_id: int) -> SafeString:
    score = SafeString()
    if cell.counted is not None:
        url = f"{_attempt_url_prefix(cell.counted.kind, class_id)}{cell.counted.pk}/"
        score = format_html('<a href="{}">{}%</a> ', url, cell.percent)
    if cell.late:
        flag = format_html('<span class="flag flag-late">{}</span>', "late")
    elif cell.missing:
        flag = format_html('<span class="flag flag-missing">{}</span>', "missing")
    elif cell.counted is None:
        flag = format_html('<span class="muted">{}</span>', cell.status)
    else:
        flag = SafeString()
    return format_html("<td>{}{}</td>", score, flag)


@register.simple_tag
def gradebook_cells(row: GradebookRow, class_id: int) -> SafeString:
    """A gradebook row's cells, built in Python: a class of 300 learners has 6,000 cells and
    template code would spend seconds on them (bench/bench_gradebook.py measures it)."""
    return format_html_join("", "{}", ((_cell(cell, class_id),) for cell in row.cells))
