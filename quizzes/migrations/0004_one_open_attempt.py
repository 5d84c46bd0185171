"""One open attempt per learner and quiz, enforced by the database.

Before this, a double-clicked Start could leave a learner with two open attempts on one
quiz. Each such pair is settled first: the attempt with the most answers stays open (the
later one on a tie), and the others are closed as expired, scored with what they saved,
so no answer is lost and the constraint can be added.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q, Sum


def close_duplicate_open_attempts(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    doubled = (
        Attempt.objects.filter(state="in_progress")
        .values("user_id", "quiz_id")
        .annotate(open_count=Count("pk"))
        .filter(open_count__gt=1)
    )
    for pair in doubled:
        attempts = (
            Attempt.objects.filter(
                state="in_progress", user_id=pair["user_id"], quiz_id=pair["quiz_id"]
            )
            .select_related("quiz")
            .annotate(answered=Count("responses", filter=Q(responses__answered_at__isnull=False)))
            .order_by("-answered", "-started_at", "-pk")
        )
        for attempt in list(attempts)[1:]:
            totals = attempt.responses.aggregate(
                marks=Sum("marks"), fractions=Sum("fraction"), questions=Count("pk")
            )
            per_question = 3 if attempt.quiz.certainty_based_marking else 1  # scoring.CBM_MAX_MARK
            attempt.state = "expired"
            attempt.finished_at = attempt.deadline or attempt.started_at
            attempt.score = totals["marks"] or 0.0
            attempt.raw_score = totals["fractions"] or 0.0
            attempt.max_score = float(per_question * totals["questions"])
            attempt.save(update_fields=["state", "finished_at", "score", "raw_score", "max_score"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_question_versions_and_ready_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(close_duplicate_open_attempts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attempt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "in_progress")),
                fields=("user", "quiz"),
                name="one_open_attempt_per_learner_and_quiz",
                violation_error_message="You already have this quiz open.",
            ),
        ),
    ]
