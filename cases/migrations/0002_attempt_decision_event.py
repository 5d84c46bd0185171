"""Cut the revealed outcome at the decision event, not at its day.

``revealed_until_day`` showed every event of the decision's day, including those that came
after the relapse or admission; ``decision_event`` is the event's position. Attempts waiting
at a decision keep waiting at the same one: the first relapse or admission on that day, else
the first symptom event (the old non-response), else the day's last event.
"""

from django.db import migrations, models

LAST_DAY = 1824
DECISION_KINDS = ("relapse", "hospitalization")


def decision_position(events: list[dict], day: int) -> int:
    same_day = [position for position, event in enumerate(events) if event["day"] == day]
    for kinds in (DECISION_KINDS, ("symptom_change",)):
        matching = [position for position in same_day if events[position]["kind"] in kinds]
        if matching:
            return matching[0]
    return max(position for position, event in enumerate(events) if event["day"] <= day)


def day_to_position(apps, schema_editor):
    Attempt = apps.get_model("cases", "Attempt")
    waiting = Attempt.objects.filter(timeline__isnull=False, revealed_until_day__lt=LAST_DAY).only(
        "timeline", "revealed_until_day"
    )
    for attempt in waiting:
        attempt.decision_event = decision_position(
            attempt.timeline["events"], attempt.revealed_until_day
        )
        attempt.save(update_fields=["decision_event"])


def position_to_day(apps, schema_editor):
    Attempt = apps.get_model("cases", "Attempt")
    for attempt in Attempt.objects.filter(timeline__isnull=False).only(
        "timeline", "decision_event"
    ):
        events = attempt.timeline["events"]
        attempt.revealed_until_day = (
            LAST_DAY if attempt.decision_event is None else events[attempt.decision_event]["day"]
        )
        attempt.save(update_fields=["revealed_until_day"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="decision_event",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Position in the timeline's events of the relapse, admission or "
                "non-response awaiting the learner's decision; empty when none is open.",
                null=True,
            ),
        ),
        migrations.RunPython(day_to_position, position_to_day),
        migrations.RemoveField(model_name="attempt", name="revealed_until_day"),
    ]
