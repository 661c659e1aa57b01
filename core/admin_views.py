from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.management.commands.plugins import plugin_rows


def plugin_list(request):
    """The installed participation plugins, for administrators."""
    if not request.user.is_superuser:
        raise PermissionDenied
    return render(request, "core/admin/plugin_list.html", {"plugins": plugin_rows()})
