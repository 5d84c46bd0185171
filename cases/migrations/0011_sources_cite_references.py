"""Every fact's source points at a reference by key, in the column that held the key before,
so stored rows, fixtures and snapshots keep their values."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_references"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="presentation_source",
            field=models.ForeignKey(
                db_column="presentation_source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="casediagnosis",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="caseexamfinding",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="casehistoryitem",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="casereference",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="caseresult",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="interpretationquestion",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="managementrule",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
        migrations.AlterField(
            model_name="therapy",
            name="source",
            field=models.ForeignKey(
                db_column="source",
                help_text="The reference this fact comes from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.reference",
                to_field="key",
            ),
        ),
    ]
