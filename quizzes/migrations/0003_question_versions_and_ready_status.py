"""Question versions and the draft / ready / retired status.

Every existing question becomes version 1 of its own family (keyed "op-q<pk>", the
key the shipped bank uses), so every existing response keeps pointing at the very
row, choices and wording it showed. Published questions become ready.
"""

import django.db.models.deletion
from django.db import migrations, models

import quizzes.models


def families_and_ready(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    Question.objects.filter(status="published").update(status="ready")
    for question in Question.objects.only("pk"):
        Question.objects.filter(pk=question.pk).update(family=f"op-q{question.pk}")


def published_again(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    Question.objects.filter(status="ready").update(status="published")


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_shuffle_choices_by_default"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="family",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="question",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="question",
            name="previous_version",
            field=models.OneToOneField(
                blank=True,
                help_text="The version this one replaced; its answers stay with it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="next_version",
                to="quizzes.question",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("ready", "Ready"), ("retired", "Retired")],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.RunPython(families_and_ready, published_again),
        migrations.AlterField(
            model_name="question",
            name="family",
            field=models.CharField(
                db_index=True,
                default=quizzes.models.new_family_key,
                help_text="Names the question across its versions and across banks: the Moodle idnumber on export, and the key a re-import is matched on.",
                max_length=100,
            ),
        ),
        migrations.AlterField(
            model_name="choice",
            name="explanation",
            field=models.TextField(
                blank=True,
                help_text="Why this option is right or wrong; required for every option.",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="references",
            field=models.TextField(
                blank=True, help_text="The source citations, one a line; at least one is required."
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                fields=("family", "version"), name="question_version_once"
            ),
        ),
    ]
