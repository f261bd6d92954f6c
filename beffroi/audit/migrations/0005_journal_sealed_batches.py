"""The journal without a lock: events get their hash later, from the sealer,
in batches per municipality.

The old triggers (which refused every UPDATE) and the function that locked
the chain go first; SQLite's table rebuild would drop the triggers anyway.
0006 installs the new triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from beffroi.audit import triggers


def drop_old_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    triggers.uninstall(schema_editor.execute, vendor)
    if vendor == "postgresql":
        schema_editor.execute(triggers.PG_CHAIN_END_UNINSTALL)


def restore_old_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.PG_CHAIN_END_INSTALL)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_chain_end_function'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_old_triggers, restore_old_triggers),
        migrations.CreateModel(
            name='JournalBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality_id', models.PositiveBigIntegerField(null=True)),
                ('first_event_id', models.PositiveBigIntegerField()),
                ('last_event_id', models.PositiveBigIntegerField()),
                ('count', models.PositiveIntegerField()),
                ('root', models.CharField(max_length=64)),
                ('prev_root', models.CharField(max_length=64)),
                ('sealed_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='JournalChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality_id', models.PositiveBigIntegerField(null=True, unique=True)),
                ('last_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('last_root', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('last_batch_id', models.PositiveBigIntegerField(default=0)),
                ('published_batch_id', models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['id']},
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_object__7ce1e9_idx',
        ),
        migrations.RemoveField(
            model_name='auditevent',
            name='position',
        ),
        migrations.AddField(
            model_name='auditevent',
            name='municipality_id',
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name='journalbatch',
            index=models.Index(fields=['municipality_id', 'id'], name='audit_batch_chain'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='batch',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='audit.journalbatch'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['object_type', 'object_id', 'id'], name='audit_event_object'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['batch', 'id'], name='audit_event_batch'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('hash__isnull', True)), fields=['municipality_id', 'id'], name='audit_event_unsealed'),
        ),
    ]
