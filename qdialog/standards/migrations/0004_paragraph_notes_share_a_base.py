"""Comments and amendments share one abstract base (no change to the tables)."""



import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('standards', '0003_keep_contributions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='amendment',
            name='standard',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='standards.standard'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='standard',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='standards.standard'),
        ),
    ]
