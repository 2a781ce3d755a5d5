"""Every process carries its programme (the tenant fence's key), filled from its owner."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    for process in Process.objects.select_related("municipality", "cluster"):
        owner = process.municipality or process.cluster
        process.programme_id = owner.programme_id
        process.save(update_fields=["programme"])


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0007_decision_standard"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="process", name="programme",
            field=models.ForeignKey(null=True, editable=False,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="processes", to="tenancy.programme",
                                    verbose_name="programme"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="process", name="programme",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="processes", to="tenancy.programme",
                                    verbose_name="programme"),
        ),
    ]
