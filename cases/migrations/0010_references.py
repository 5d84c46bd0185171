"""References: the five sources become catalog references (0011 then points every fact's
source at one by key). Two migrations, because PostgreSQL cannot add foreign keys to a table
in the transaction that has just written its rows."""

import re

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

FIVE_SOURCES = {
    "NEJM": (
        "King & Lee, N Engl J Med 2022",
        "Review article: King TE Jr, Lee JS. Cryptogenic Organizing Pneumonia. "
        "N Engl J Med 2022;386:1058-1069.",
    ),
    "MSD": (
        "MSD Manual Professional: Cryptogenic Organizing Pneumonia (2025)",
        "MSD Manual Professional Edition chapter on COP, Lee & Albert, revised June 2025.",
    ),
    "GARD": (
        "GARD: Cryptogenic organizing pneumonia (2020)",
        "Patient-facing questions and answers from the NIH Genetic and Rare Diseases "
        "Information Center, 2020.",
    ),
    "SUM-DX": (
        "Clinical summary: COP vs secondary OP (2025)",
        "Guideline-based summary: what distinguishes COP from secondary organizing "
        "pneumonia (updated March 2025).",
    ),
    "SUM-MX": (
        "Clinical summary: management of COP (2025)",
        "Guideline-based summary: management of COP (updated December 2025).",
    ),
}
SOURCE_COLUMNS = {
    "case": "presentation_source",
    "casediagnosis": "source",
    "caseexamfinding": "source",
    "casehistoryitem": "source",
    "casereference": "source",
    "caseresult": "source",
    "interpretationquestion": "source",
    "managementrule": "source",
    "therapy": "source",
}


def create_references(apps, schema_editor):
    """The five sources, and a catalog reference for any other key a row holds, so that no
    row loses its citation when the column becomes a foreign key."""
    Reference = apps.get_model("cases", "Reference")
    for key, (citation, note) in FIVE_SOURCES.items():
        Reference.objects.get_or_create(key=key, defaults={"citation": citation, "note": note})
    for model_name, field in SOURCE_COLUMNS.items():
        model = apps.get_model("cases", model_name)
        for key in model.objects.values_list(field, flat=True).distinct():
            Reference.objects.get_or_create(key=key, defaults={"citation": key})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_studio_status_preview_abandon"),
    ]

    operations = [
        migrations.CreateModel(
            name="Reference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="A short label, letters, digits and hyphens: NEJM, amiodarone-label.",
                        max_length=100,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^[-a-zA-Z0-9_]+\\Z"),
                                "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
                                "invalid",
                            )
                        ],
                    ),
                ),
                (
                    "citation",
                    models.CharField(help_text="As the learner sees it cited.", max_length=300),
                ),
                ("link", models.URLField(blank=True, help_text="Where the learner can read it.")),
                ("note", models.TextField(blank=True, help_text="What it is, for educators.")),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        help_text="The case that owns it; empty for the catalog, which every case may cite.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="own_references",
                        to="cases.case",
                    ),
                ),
            ],
            options={
                "ordering": ["key"],
            },
        ),
        migrations.RunPython(create_references, migrations.RunPython.noop),
    ]
