"""Existing events join their municipality's chain and are sealed again.

Their old hashes were plain SHA-256 without a key, which anyone with the
database could recompute: they are cleared, and the next seal chains these
events under ``JOURNAL_KEY`` in their order (run the previous version's
``audit_verify`` before upgrading to know the old chain was whole). Then the
new triggers: DELETE refused, UPDATE refused but the sealer's.
"""

from django.db import migrations

from beffroi.audit import triggers


def forward(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Municipality = apps.get_model("municipality", "Municipality")
    first = Municipality.objects.order_by("pk").values_list("pk", flat=True).first()
    AuditEvent.objects.update(municipality_id=first, hash=None, prev_hash=None)
    triggers.install(schema_editor.execute, schema_editor.connection.vendor)


def backward(apps, schema_editor):
    triggers.uninstall(schema_editor.execute, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_journal_sealed_batches"),
        ("municipality", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
