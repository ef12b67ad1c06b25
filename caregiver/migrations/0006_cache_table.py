"""The cache's table (settings.CACHES: the device API's rate limit counts there)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable skips a table that exists, so this is safe on a database that has one.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS cache_table")


class Migration(migrations.Migration):
    dependencies = [("caregiver", "0005_clinician_label")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
