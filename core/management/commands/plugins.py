"""``parvis plugins``: the discovered plugins, their versions, state and hooks."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from core.plugin_host import get_manager, registry


def plugin_rows() -> list[dict]:
    manager = get_manager()
    problems = {p.slug: p.message for p in registry.problems}
    rows = []
    for slug, plugin in sorted(registry.discovered.items()):
        hooks = []
        if plugin.module is not None:
            hooks = sorted(
                caller.name for caller in manager.get_hookcallers(plugin.module) or []
            )
        rows.append(
            {
                "slug": slug,
                "name": str(plugin.info.name) if plugin.info else "",
                "version": plugin.info.version if plugin.info else plugin.distribution_version,
                "distribution": plugin.distribution,
                "enabled": plugin.loaded,
                "hooks": hooks,
                "problem": problems.get(slug, ""),
            }
        )
    return rows


class Command(BaseCommand):
    help = "List the discovered participation plugins (slug, version, enabled, hooks)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, **options):
        rows = plugin_rows()
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        header = f"{'slug':<22} {'version':<10} {'enabled':<8} hooks"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            state = "yes" if row["enabled"] else "NO"
            self.stdout.write(f"{row['slug']:<22} {row['version']:<10} {state:<8} {', '.join(row['hooks'])}")
            if row["problem"]:
                self.stdout.write(f"{'':<22} ! {row['problem']}")
