"""Template filters for the class pages."""

from django import template

from edu_site.classes.selectors import AttemptFacts

register = template.Library()


@register.filter
def educator_url(attempt: AttemptFacts, class_id: int) -> str:
    """The read-only debrief or results of a learner's attempt, seen from the class."""
    return attempt.educator_url(class_id)
