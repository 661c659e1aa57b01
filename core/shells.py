"""Page shells: a page rendered once and filled in on each request, for the busiest answers.

Some answers are the same page for every visitor but for a value or two: "a link was sent to
<address>" after signing a petition, for instance. Rendering the whole page (the base template,
the navigation, every plugin's slots) for each of thousands of signatures a minute costs more than
the signature itself. :func:`render_shell` renders such a page once per page, language, host and
organisation, with a secret mark where each per-request value goes, keeps it in the process for a
short while, and fills the marks (escaped) on each request.

Only requests without a session are served from a shell: with no session, the visitor is
anonymous and has no pending messages, so nothing in the base template depends on who asks. A
page whose rendering asks for a CSRF token is never kept (the token belongs to one visitor).
Everyone else gets the page rendered as usual, with the same values.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from core.process_cache import ProcessCache

__all__ = ["render_shell"]

# Unguessable, so that no text a visitor or an author writes can contain a mark.
_MARK = f"parvis-shell-{secrets.token_hex(12)}-"
_shells = ProcessCache("PARVIS_SHELL_SECONDS", 60)


def _without_session(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def render_shell(request: HttpRequest, template_name: str, context: dict, *, key: tuple, fill: dict[str, str],
                 status: int = 200) -> HttpResponse:
    """Render ``template_name`` with ``context`` plus ``fill`` (the values that differ from one
    request to the next, as plain text), from the shell kept under ``key`` when the request has
    no session. ``key`` names what the page shows besides ``fill`` (e.g. the petition's id);
    the template's name, the path, the host, the language and the organisation are added to it.
    The template shows each ``fill`` value as it is (``{{ email }}``, not through a filter);
    otherwise the page is rendered for the request and not kept.
    """
    if _shells.seconds <= 0 or not _without_session(request):
        return render(request, template_name, {**context, **fill}, status=status)
    organisation = getattr(request, "organisation", None)
    full_key = (template_name, key, request.get_host(), request.path, get_language(),
                getattr(organisation, "pk", None))
    page = _shells.get(full_key)
    if page is None:
        csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        page = render_to_string(template_name, {**context, **{name: _MARK + name for name in fill}}, request)
        holds_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != csrf_before
        if holds_token or not all(_MARK + name in page for name in fill):
            # The page holds this visitor's CSRF token, or shows a value through a filter that
            # changed its mark: it cannot be shared.
            return render(request, template_name, {**context, **fill}, status=status)
        _shells.set(full_key, page)
    for name, value in fill.items():
        page = page.replace(_MARK + name, escape(value))
    return HttpResponse(page, status=status)

