import time

from django.db import migrations, models

SHARDS = 64  # units/dataversion.py's


def seed(apps, schema_editor):
    # From the clock in milliseconds, as the cache's counter started: above any version a
    # cached figure was stored under.
    shard = apps.get_model("units", "DataVersionShard")
    start = int(time.time() * 1000)
    shard.objects.bulk_create(
        [shard(shard=n, version=start if n == 0 else 0) for n in range(SHARDS)]
    )


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0005_closed_eras'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersionShard',
            fields=[
                ('shard', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ('version', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'data version shard',
                'verbose_name_plural': 'data version shards',
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
