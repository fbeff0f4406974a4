"""Events wait in a queue for their webhook deliveries (webhooks/fanout.py). Those recorded before
had their deliveries written with them, so they start out fanned out."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_clockshift'),
        ('events', '0002_list_order_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='fanned_out',
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name='event',
            name='fanned_out',
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('fanned_out', False)), fields=['occurred_at'],
                               name='events_event_to_fan_out'),
        ),
    ]
