"""Refuse UPDATE and DELETE on the journal at the database level too."""

from django.db import migrations

from beffroi.audit import triggers


def forward(apps, schema_editor):
    triggers.install(schema_editor.execute, schema_editor.connection.vendor)


def backward(apps, schema_editor):
    triggers.uninstall(schema_editor.execute, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
