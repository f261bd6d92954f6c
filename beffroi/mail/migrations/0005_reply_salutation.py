"""The reply templates greet the sender by name: their opening becomes ``{{ salutation }}``."""

from django.db import migrations

OLD = "{{ civilite }},\n\n"
NEW = "{{ salutation }},\n\n"


def _reopen(apps, old, new):
    ReplyTemplate = apps.get_model("mail", "ReplyTemplate")
    for template in ReplyTemplate.objects.filter(body__startswith=old):
        template.body = new + template.body[len(old) :]
        template.save(update_fields=["body"])


def forwards(apps, schema_editor):
    _reopen(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _reopen(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("mail", "0004_organisation_links")]

    operations = [migrations.RunPython(forwards, backwards)]
