"""Open cases per service and status, counted by triggers (beffroi.cases.counts)."""

from django.db import migrations, models

from beffroi.cases import counts


def forward(apps, schema_editor):
    counts.install(schema_editor.execute, schema_editor.connection.vendor)


def backward(apps, schema_editor):
    counts.uninstall(schema_editor.execute, schema_editor.connection.vendor)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_opinions'),
    ]

    operations = [
        migrations.CreateModel(
            name='OpenCaseCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('service_id', models.BigIntegerField()),
                ('status', models.CharField(max_length=63)),
                ('delta', models.IntegerField()),
            ],
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_service_status',
        ),
        migrations.AddIndex(
            model_name='opencasecount',
            index=models.Index(fields=['service_id', 'status'], name='open_count_service'),
        ),
        migrations.RunPython(forward, backward),
    ]
