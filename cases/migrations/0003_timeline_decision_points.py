"""Mark the decision points in timelines stored before the engine flagged them.

The engine now sets ``decision_point`` on relapses, admissions and non-responses; timelines
saved earlier lack the key, so an attempt waiting in its outcome would reveal the rest of the
course at once. Before this change the only non-response the engine emitted was the
two-week "no improvement" check, and the day-0 admission of fulminant disease was part of the
presentation, so these rules give old timelines exactly the flags the engine gives now.
"""

from django.db import migrations

DECISION_KINDS = ("relapse", "hospitalization")
TWO_WEEK_NO_IMPROVEMENT = "Two weeks on there is still no improvement."


def is_decision_point(event: dict) -> bool:
    if event["day"] == 0:
        return False
    return event["kind"] in DECISION_KINDS or event["text"].startswith(TWO_WEEK_NO_IMPROVEMENT)


def mark_decision_points(apps, schema_editor):
    Attempt = apps.get_model("cases", "Attempt")
    for attempt in Attempt.objects.filter(stage="outcome").only("timeline"):
        for event in attempt.timeline["events"]:
            event.setdefault("decision_point", is_decision_point(event))
        attempt.save(update_fields=["timeline"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_attempt_decision_event")]

    operations = [migrations.RunPython(mark_decision_points, migrations.RunPython.noop)]
