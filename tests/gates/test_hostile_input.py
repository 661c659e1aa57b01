"""Gate: hostile input in every declared form field and every redirect parameter.

Each typed field of each declared form receives every payload of ``harness.HOSTILE`` (script
and SVG injections, ``javascript:`` URLs, formula cells, huge strings, Unicode edge cases,
NaN-like numbers), text UTF-8 cannot encode (``harness.LONE_SURROGATES``, sent the way a
client can: a multipart form declaring ``charset=utf-7``) and a body that is not valid UTF-8.
Every declared page and API endpoint also receives that text in its query string and in a
JSON body: it must answer 400 with a message, in the API's error format under /api/. No answer may be a server error, reflect
the payload unescaped (in the answer, in the page showing the form, or where it redirects),
or refuse it without a visible form error. Each redirect parameter (``next=``) receives the
open-redirect payloads of ``harness.REDIRECTS``, in GET and in the form's POST: nothing may send
the browser to another site.
"""

from __future__ import annotations

import pytest
from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme

from core.plugins import ANONYMOUS, FormSample, SamplePage
from tests.gates import harness


@pytest.mark.django_db
@pytest.mark.parametrize("page", harness.page_params(lambda page: page.form is not None))
def test_hostile_input_in_every_form_field(page):
    problems = harness.hostile_problems(page, harness.Fixtures())
    assert not problems, f"{page.id}:\n" + "\n".join(problems[:40])


@pytest.mark.django_db
@pytest.mark.parametrize("page", harness.page_params())
def test_unencodable_text_is_refused_clearly_on_every_page(page):
    problems = harness.unencodable_text_problems(page, harness.Fixtures())
    assert not problems, f"{page.id}:\n" + "\n".join(problems[:40])


@pytest.mark.django_db
@pytest.mark.parametrize("page", harness.page_params(lambda page: bool(page.redirect_params)))
def test_no_open_redirect_through_redirect_parameters(page):
    problems = harness.redirect_problems(page, harness.Fixtures())
    assert not problems, f"{page.id}:\n" + "\n".join(problems)


def test_forms_and_redirect_parameters_are_covered():
    declared = harness.pages()
    with_forms = {page.name for page in declared if page.form}
    assert {"account_login", "account_signup", "set_language", "suggestions:suggest"} <= with_forms
    redirecting = {page.name for page in declared if page.redirect_params}
    assert {"account_login", "account_logout", "set_language"} <= redirecting


def test_the_corpus_covers_each_kind_of_hostile_input():
    names = " ".join(name for name, _payload in harness.HOSTILE)
    for kind in ("script", "svg", "javascript url", "formula", "100,000", "NUL", "right-to-left",
                 "NaN", "Infinity"):
        assert kind in names
    assert not any(harness.encodable(payload) for _name, payload in harness.LONE_SURROGATES)
    assert any(target.startswith("//") for target in harness.REDIRECTS)


@pytest.mark.parametrize("location, offsite", [
    ("/", False), ("/accounts/login/?next=/x/", False), ("http://testserver/a", False),
    ("https://evil.example/", True), ("//evil.example", True), ("/\\evil.example", True),
    ("\t//evil.example", True), ("javascript:alert(1)", True), ("https:evil.example", True),
    ("http://testserver@evil.example/", True), ("/%2F%2Fevil.example/", False),
])
def test_offsite_detection_follows_browsers(location, offsite):
    assert harness.is_offsite(location) is offsite


# --- Seeded violations: reflecting input unescaped, an open redirect ----------------------------


class _IdeaForm(forms.Form):
    title = forms.CharField(max_length=200)
    link = forms.CharField(required=False, max_length=500)


_ECHO = engines["django"].from_string(
    "<!DOCTYPE html><html lang=\"fr\"><title>Idée</title><form method=post>{{ form }}</form>"
    "<p>Vous avez écrit : {{ title|safe }}</p>"
)
_LINK = engines["django"].from_string(
    "<!DOCTYPE html><html lang=\"fr\"><title>Idée</title><p><a href=\"{{ link }}\">lien</a></p>"
)


def _reflecting(request):
    """Shows what was posted with ``|safe``: the classic reflected XSS."""
    form = _IdeaForm(request.POST or None)
    return HttpResponse(_ECHO.render({"form": form, "title": request.POST.get("title", "")}))


_stored: dict[str, str] = {}


def _storing_links(request):
    """Accepts any "link" and later shows it as a link: stored ``javascript:`` URL."""
    if request.method == "POST":
        _stored["link"] = request.POST.get("link", "")
        return HttpResponseRedirect("/idee-lien/")
    return HttpResponse(_LINK.render({"link": _stored.get("link", "")}))


def _refusing_silently(request):
    """Refuses long titles but says nothing about it."""
    if request.method == "POST":
        if len(request.POST.get("title", "")) > 200:
            return HttpResponse("<!DOCTYPE html><html lang=fr><title>Idée</title><p>Idée</p>")
        return HttpResponseRedirect("/")
    return HttpResponse("ok")


def _crashing(request):
    if request.method == "POST":
        float(request.POST.get("title", "0")).as_integer_ratio()  # NaN and Infinity raise
        return HttpResponseRedirect("/")
    return HttpResponse("ok")


def _open_redirect(request):
    return HttpResponseRedirect(request.GET.get("next") or request.POST.get("next") or "/")


def _checked_redirect(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


urlpatterns = [
    path("idee-echo/", _reflecting, name="seeded_reflect"),
    path("idee-lien/", _storing_links, name="seeded_link"),
    path("idee-muette/", _refusing_silently, name="seeded_silent"),
    path("idee-crash/", _crashing, name="seeded_crash"),
    path("retour/", _open_redirect, name="seeded_open_redirect"),
    path("retour-ok/", _checked_redirect, name="seeded_checked_redirect"),
]

pytestmark_urls = pytest.mark.urls("tests.gates.test_hostile_input")


def _form(**kwargs):
    return FormSample(data=lambda fx: {"title": "Une idée", "link": ""}, role=ANONYMOUS,
                      submit="Envoyer", **kwargs)


@pytest.mark.django_db
@pytestmark_urls
def test_seeded_view_reflecting_input_unescaped_fails_the_gate():
    page = SamplePage(name="seeded_reflect", url=lambda fx: "/idee-echo/", post={},
                      form=_form(success_status=200, fields=("title",)))
    problems = harness.hostile_problems(page, harness.Fixtures())
    assert any("script tag: reflected unescaped" in p for p in problems)
    assert any("svg onload" in p and "injected" in p for p in problems)
    assert any("attribute break-out" in p for p in problems)


@pytest.mark.django_db
@pytestmark_urls
def test_seeded_stored_javascript_url_fails_the_gate():
    _stored.clear()
    page = SamplePage(name="seeded_link", url=lambda fx: "/idee-lien/", post={},
                      form=_form(fields=("link",)))
    problems = harness.hostile_problems(page, harness.Fixtures())
    assert any("javascript url" in p and "dangerous URL" in p for p in problems)


@pytest.mark.django_db
@pytestmark_urls
def test_seeded_silent_refusal_and_server_error_fail_the_gate():
    silent = SamplePage(name="seeded_silent", url=lambda fx: "/idee-muette/", post={},
                        form=_form(fields=("title",)))
    fx = harness.Fixtures()
    problems = harness.hostile_problems(silent, fx)
    assert any("100,000 characters: refused (200) without a visible form error" in p for p in problems)
    crash = SamplePage(name="seeded_crash", url=lambda fx: "/idee-crash/", post={},
                       form=_form(fields=("title",)))
    problems = harness.hostile_problems(crash, fx)
    assert any("title=NaN: server error 500 (ValueError" in p for p in problems)


@pytest.mark.django_db
@pytestmark_urls
def test_seeded_open_redirect_fails_the_gate():
    page = SamplePage(name="seeded_open_redirect", url=lambda fx: "/retour/",
                      get={}, redirect_params=("next",), form=_form())
    fx = harness.Fixtures()
    problems = harness.redirect_problems(page, fx)
    assert any("GET /retour/?next=%2F%2Fevil.example%2F: redirects off-site" in p for p in problems)
    assert any(p.startswith("POST /retour/ next='https://evil.example/'") for p in problems)
    checked = SamplePage(name="seeded_checked_redirect", url=lambda fx: "/retour-ok/",
                         get={}, redirect_params=("next",), form=_form())
    assert harness.redirect_problems(checked, fx) == []
