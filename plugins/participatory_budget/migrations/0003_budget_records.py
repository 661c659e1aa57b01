"""Budgets placed before their record was created with the component had none until their page
was first opened, and were missing from the list of budgets: create those records."""

from django.db import migrations

COMPONENT_TYPE = "participatory_budget.budget"


def create_missing_budgets(apps, schema_editor):
    Component = apps.get_model("core", "Component")
    Budget = apps.get_model("participatory_budget", "Budget")
    StageChange = apps.get_model("participatory_budget", "StageChange")
    missing = Component.objects.filter(component_type=COMPONENT_TYPE, budget__isnull=True).values_list("pk", flat=True)
    for component_id in missing:
        budget = Budget.objects.create(component_id=component_id)
        StageChange.objects.create(budget=budget, stage=budget.stage)


class Migration(migrations.Migration):

    dependencies = [
        ('participatory_budget', '0002_project_coordinates'),
    ]

    operations = [
        migrations.RunPython(create_missing_budgets, migrations.RunPython.noop),
    ]
