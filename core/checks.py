"""System checks: plugin problems found while loading, reported one line each with a fix."""

from __future__ import annotations

from django.core import checks

from core.plugin_host import registry


@checks.register("parvis")
def check_plugins(app_configs=None, **kwargs):
    return [
        checks.Error(problem.message, hint=problem.hint, id=problem.code, obj=problem.slug)
        for problem in registry.problems
    ]


def unclaimed_models(models=None, claimed=None) -> list[str]:
    """Labels of concrete models with a foreign key to the user model that no ``personal_data``
    section claims. ``models`` and ``claimed`` default to the installed models and the hooks."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from core.account_data import user_fields

    if claimed is None:
        from core.privacy import claimed_models

        claimed = claimed_models()
    user_model = get_user_model()
    models = apps.get_models() if models is None else models
    # A plugin that failed to load is reported already (parvis.E002-E005); its hooks are absent.
    not_loaded = {p.app_module for p in registry.discovered.values() if not p.loaded}
    return sorted(
        m._meta.label for m in models
        if m is not user_model and not m._meta.abstract and not m._meta.proxy
        and getattr(m._meta.app_config, "name", None) not in not_loaded
        and user_fields(m) and m._meta.label not in claimed
    )


@checks.register("parvis")
def check_personal_data(app_configs=None, models=None, claimed=None, **kwargs):
    if registry.manager is None:
        return []
    return [
        checks.Error(
            f"The model '{label}' points to the user model but no `personal_data` hook claims it: "
            "its rows would be neither exported nor erased.",
            hint="Add its label to the `models` of a PersonalData returned by the app's personal_data "
                 "hook; see docs/privacy.md.",
            id="parvis.E010", obj=label,
        )
        for label in unclaimed_models(models, claimed)
    ]
