"""Template tags for the class pages."""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

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


FLAGS = {
    "late": '<span class="flag flag-late">late</span>',
    "missing": '<span class="flag flag-missing">missing</span>',
}


def _cell(cell: Cell, class_id: int) -> str:
    """One cell's HTML. Every part is the site's own (a number, a URL built from ids, a fixed
    status word), never a learner's text, so nothing in it needs escaping."""
    html = "<td>"
    if cell.counted is not None:
        url = f"{_attempt_url_prefix(cell.counted.kind, class_id)}{cell.counted.pk}/"
        html += f'<a href="{url}">{cell.percent}%</a> '
    if cell.late:
        html += FLAGS["late"]
    elif cell.missing:
        html += FLAGS["missing"]
    elif cell.counted is None:
        html += f'<span class="muted">{cell.status}</span>'
    return html + "</td>"


@register.simple_tag
def gradebook_cells(row: GradebookRow, class_id: int) -> SafeString:
    """A gradebook row's cells, built in Python: a class of 300 learners has 6,000 cells and
    template code would spend most of the page's time on them (bench/bench_gradebook.py)."""
    return mark_safe("".join(_cell(cell, class_id) for cell in row.cells))
