from __future__ import annotations

from core.navigation import navigation_for


def parvis(request):
    return {"parvis_navigation": navigation_for(request)}
