from django.db import migrations

from beffroi.mail import search_sql


def forwards(apps, schema_editor):
    search_sql.install(schema_editor)


def backwards(apps, schema_editor):
    search_sql.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
