"""The instance's default moderation charter (each organisation can add or replace reasons)."""

from django.db import migrations

from core.moderation.defaults import ensure_default_reasons


def add_default_reasons(apps, schema_editor):
    ensure_default_reasons(apps.get_model("moderation", "ModerationReason"))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(add_default_reasons, migrations.RunPython.noop)]
