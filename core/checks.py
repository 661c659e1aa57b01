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
