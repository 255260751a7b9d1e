"""The organisation kept on each action (issue 7): filled from the problem's visit, then
required, with the indexes the organisation's action lists use."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_organisation(apps, schema_editor):
    Action = apps.get_model("followup", "Action")
    Problem = apps.get_model("walkround", "Problem")
    Action.objects.update(
        organisation_id=Subquery(
            Problem.objects.filter(pk=OuterRef("problem_id")).values("visit__organisation_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0001_initial"),
        ("organisations", "0003_follow_up_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
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
            model_name="action",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["organisation", "status", "due_date"], name="action_org_status_due_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["organisation", "status", "finished_at"],
                name="action_org_status_done_idx",
            ),
        ),
    ]
