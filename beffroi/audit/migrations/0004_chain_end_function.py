"""On PostgreSQL, one function locks the journal's chain and reads its end."""

from django.db import migrations

from beffroi.audit import triggers


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.PG_CHAIN_END_INSTALL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.PG_CHAIN_END_UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_accesslog")]

    operations = [migrations.RunPython(forward, backward)]
