"""The organisation kept on each problem (issue 7): filled from the problem's visit, then
required; its key's index serves an organisation's problem lists."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_organisation(apps, schema_editor):
    Problem = apps.get_model("walkround", "Problem")
    Visit = apps.get_model("planning", "Visit")
    Problem.objects.update(
        organisation_id=Subquery(
            Visit.objects.filter(pk=OuterRef("visit_id")).values("organisation_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("walkround", "0003_questions"),
        ("organisations", "0003_follow_up_settings"),
        ("planning", "0004_visit_follow_up_statuses"),
    ]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="problem",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
    ]
