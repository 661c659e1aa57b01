"""{% follow_button %} and {% unread_notifications_count %}."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.notifications.models import Notification
from core.notifications.services import follow, notify
from tests.conftest import make_space
from tests.core.notifications.conftest import make_contribution


def render(source: str, user, **context) -> str:
    request = RequestFactory().get("/spaces/centre-bourg/?tri=date&page=2")
    request.user = user
    template = Template("{% load notifications %}" + source)
    return template.render(RequestContext(request, {"user": user, **context}))


def test_anonymous_visitors_get_a_link_to_log_in(space):
    html = render("{% follow_button space %}", AnonymousUser(), space=space)
    assert "<form" not in html
    assert 'href="/accounts/login/?next=/spaces/centre-bourg/%3Ftri%3Ddate%26page%3D2"' in html
    assert "Se connecter pour suivre" in html


def test_a_form_to_follow_then_to_stop_following(citizen, space):
    html = render("{% follow_button space %}", citizen, space=space)
    assert f'action="/notifications/follow/space/{space.pk}/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/spaces/centre-bourg/?tri=date&amp;page=2"' in html
    assert 'name="action" value="follow"' in html and ">Suivre<" in html
    follow(citizen, space)
    html = render("{% follow_button space %}", citizen, space=space)
    assert 'name="action" value="unfollow"' in html and ">Ne plus suivre<" in html


def test_many_buttons_cost_one_query(citizen, space):
    contributions = [make_contribution(space, title=f"Idée {i}") for i in range(10)]
    follow(citizen, contributions[3])
    with CaptureQueriesContext(connection) as captured:
        html = render("{% for c in items %}{% follow_button c %}{% endfor %}", citizen,
                      items=contributions)
    assert len(captured) == 1
    assert html.count("Ne plus suivre") == 1 and html.count(">Suivre<") == 9


def test_other_objects_are_refused(citizen, commune):
    with pytest.raises(TemplateSyntaxError):
        render("{% follow_button organisation %}", citizen, organisation=commune)


def test_unread_count(citizen, commune_admin):
    notify([citizen], "probe.update", title="Une")
    notify([citizen, commune_admin], "probe.update", title="Deux")
    Notification.objects.filter(title="Une").update(read_at="2026-01-01T00:00Z")
    source = "{% unread_notifications_count as n %}[{{ n }}]"
    assert render(source, citizen) == "[1]"
    assert render(source, AnonymousUser()) == "[0]"
    assert Template("{% load notifications %}{% unread_notifications_count %}").render(
        Context({})) == "0"


def test_space_unpublished_later_still_renders(citizen, commune):
    space = make_space(commune, "ferme", published=False)
    follow(citizen, space)
    assert "Ne plus suivre" in render("{% follow_button space %}", citizen, space=space)
