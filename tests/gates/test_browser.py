"""Gate: every declared page and every step of every journey in a real browser (tox -e browser).

Debian's Chromium, headless, driven by Playwright; axe-core (npm, ``node_modules``) injected
into each page. Each declared page (as the role it is audited as) must have no serious or
critical WCAG 2.1 A/AA violation, a ``lang``, a title (unique across pages), no request to
another origin, a first load under 500 KB, no horizontal scrolling at 320 CSS px and a working
skip link. Each declared form is completed with the keyboard only (every step audited: the
form, its errors, the result), then again with JavaScript disabled. Reports are written to
``test-reports/axe/`` (one JSON per page, and ``summary.json`` for ``parvis a11y_record``).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from core.plugins import ANONYMOUS, FormSample, SamplePage
from tests.gates import browser as harness_browser
from tests.gates import harness

pytestmark = pytest.mark.browser


# --- Session fixtures: Chromium, axe-core, the report ------------------------------------------


@pytest.fixture(autouse=True)
def _migration_data(django_db_serialized_rollback):
    """The live server needs committed data, so each test empties the tables afterwards; this
    puts back what the migrations created (moderation reasons, Wagtail's root page...)."""


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop in this thread; the tests still use the
    # ORM synchronously between browser calls (the live server runs in another thread).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = harness_browser.launch(playwright)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe():
    return harness_browser.axe_source()


@pytest.fixture(scope="session")
def axe_summary(chromium):
    """Collects every audit; writes ``test-reports/axe/summary.json`` at the end."""
    harness_browser.clear_reports()
    summary = {"pages": [], "unenforced": []}
    yield summary
    if summary["pages"] or summary["unenforced"]:
        document = harness_browser.build_summary(
            summary["pages"], summary["unenforced"], browser=f"Chromium {chromium.version}",
            when=datetime.now(UTC),
        )
        harness_browser.write_record("summary", document)


def _session_cookie(fx, role) -> tuple[str, str] | None:
    user = fx.users[role]
    if user is None:
        return None
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def _audit(chromium, live_server, axe, fx, role, url, *, ident, label, summary=None):
    visit = harness_browser.open_context(chromium, live_server.url, _session_cookie(fx, role))
    try:
        record, problems = harness_browser.audit(visit, url, axe, label=label)
    finally:
        visit.context.close()
    record.update(id=ident, role=role)
    harness_browser.write_record(ident, record)
    if summary is not None:
        summary["pages"].append(record)
    return record, problems


# --- Every declared page ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", harness.page_params(lambda page: page.audit))
def test_declared_page_in_the_browser(page, chromium, axe, axe_summary, live_server):
    fx = harness.Fixtures()
    fx.prepare(page)
    role = page.auditor()
    record, problems = _audit(chromium, live_server, axe, fx, role, page.url(fx), ident=page.id,
                              label=str(page.label or page.id), summary=axe_summary)
    assert not problems, f"{page.id} as {role} ({record['url']}):\n" + "\n".join(problems)


def test_titles_are_unique_and_every_page_has_a_language(chromium, live_server):
    fx = harness.Fixtures()
    audited = [page for page in harness.pages() if page.audit]
    fx.prepare(*audited)
    titles: dict[str, str] = {}
    for page in audited:
        visit = harness_browser.open_context(chromium, live_server.url,
                                             _session_cookie(fx, page.auditor()), javascript=False)
        try:
            tab = visit.context.new_page()
            tab.goto(page.url(fx))
            title = tab.title().strip()
            lang = tab.evaluate("() => document.documentElement.lang")
        finally:
            visit.context.close()
        assert lang == "fr", f"{page.id}: lang={lang!r}"
        assert title, f"{page.id} has no title"
        titles.setdefault(title, page.name)
        assert titles[title] == page.name, f"{page.id} and {titles[title]} share the title {title!r}"
    assert len(titles) >= 10


def test_wagtail_admin_login_is_audited_and_recorded(chromium, axe, axe_summary, live_server):
    """Wagtail's back-office is Wagtail's responsibility: its login page is audited and the
    result recorded (``unenforced`` in summary.json), without failing the gate."""
    visit = harness_browser.open_context(chromium, live_server.url)
    try:
        record, problems = harness_browser.audit(visit, "/admin/login/", axe,
                                                 label="Wagtail admin login", expect_lang="")
    finally:
        visit.context.close()
    record.update(id="wagtail-admin-login", role=ANONYMOUS, enforced=False,
                  problems_not_enforced=problems)
    path_ = harness_browser.write_record("wagtail-admin-login", record)
    axe_summary["unenforced"].append(record)
    assert record["status"] == 200 and record["passes"] > 0
    assert json.loads(path_.read_text())["counts"] == record["counts"]
    serious = [p for p in problems if p.startswith("axe ")]
    if serious:
        print("\nWagtail admin login, recorded without failing:\n" + "\n".join(serious))


# --- Every journey: keyboard only, then without JavaScript -----------------------------------------


def _run_journey(chromium, live_server, axe, steps, *, keyboard: bool, summary=None, ident=""):
    """Completes each step's form; returns the problems. Audits each step when ``keyboard``."""
    fx = harness.Fixtures()
    fx.prepare(*steps)
    problems: list[str] = []
    visit = harness_browser.open_context(
        chromium, live_server.url, _session_cookie(fx, steps[0].form.role), javascript=keyboard
    )
    try:
        tab = visit.context.new_page()
        for number, step in enumerate(steps, start=1):
            form = step.form
            start = form.shown_on(fx) if form.shown_on else step.url(fx)
            data, typed = form.data(fx), form.typed_fields(fx)
            where = f"{ident} step {number} ({step.id})"
            tab.goto(start)
            if keyboard:
                problems += _audit_tab(tab, axe, summary, f"{ident}#{number}-form",
                                       f"{step.label or step.id} : formulaire", where)
                # The server's answer to the form with its text fields emptied.
                emptied, trouble = harness_browser.submit_emptied(tab, form.submit)
                if emptied:
                    problems += [f"{where}, emptied: {p}" for p in trouble]
                    if not tab.evaluate(harness_browser.SHOWS_ERROR):
                        problems.append(f"{where}: an emptied form shows no error")
                    problems += _audit_tab(tab, axe, summary, f"{ident}#{number}-errors",
                                           f"{step.label or step.id} : erreurs", where)
                    tab.goto(start)
                problems += [f"{where}: {p}" for p in
                             harness_browser.fill_with_keyboard(tab, data, form.submit, typed)]
            else:
                problems += [f"{where}, no JavaScript: {p}" for p in
                             harness_browser.fill_without_javascript(tab, data, form.submit, typed)]
            html = tab.content()
            if keyboard:
                problems += _audit_tab(tab, axe, summary, f"{ident}#{number}-result",
                                       f"{step.label or step.id} : résultat", where)
            if not form.done(fx, html):
                mode = "with the keyboard only" if keyboard else "without JavaScript"
                shown = tab.evaluate("""() => [...document.querySelectorAll(
                    '.errorlist, [role=alert], .messages')].map((e) => e.innerText.trim()).join(' | ')""")
                problems.append(f"{where}: the action did not complete {mode} (now on {tab.url}"
                                + (f"; the page says: {shown[:300]}" if shown else "") + ")")
        if visit.third_party:
            problems.append(f"{ident}: requests to other origins {visit.third_party}")
    finally:
        visit.context.close()
    return problems


def _audit_tab(tab, axe, summary, ident, label, where) -> list[str]:
    """axe on the page as it is now (a step of a journey)."""
    result = harness_browser.run_axe(tab, axe)
    parts = urlsplit(tab.url)
    record = {
        "id": f"journey:{ident}", "label": label,
        "url": parts.path + (f"?{parts.query}" if parts.query else ""),
        "role": "journey", "axe_version": result["version"], "standard": "WCAG 2.1 A/AA",
        "violations": result["violations"], "counts": harness_browser.counts(result["violations"]),
        "passes": result["passes"], "incomplete": result["incomplete"],
    }
    if summary is not None:  # the seeded journeys are not part of the report
        harness_browser.write_record(f"journey-{ident}", record)
        summary["pages"].append(record)
    return [f"{where}: {p}" for p in harness_browser.axe_problems(result["violations"])]


JOURNEYS = harness.journeys()


@pytest.mark.parametrize("ident", sorted(JOURNEYS))
def test_journey_with_the_keyboard_only(ident, chromium, axe, axe_summary, live_server):
    problems = _run_journey(chromium, live_server, axe, JOURNEYS[ident], keyboard=True,
                            summary=axe_summary, ident=ident)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ident", sorted(JOURNEYS))
def test_journey_without_javascript(ident, chromium, axe, live_server):
    problems = _run_journey(chromium, live_server, axe, JOURNEYS[ident], keyboard=False, ident=ident)
    assert not problems, "\n".join(problems)


def test_the_core_actions_are_journeys():
    assert {"core:connexion", "core:deconnexion", "core:inscription",
            "core:mot-de-passe-oublie", "suggestions:participer"} <= set(JOURNEYS)
    assert [page.name for page in JOURNEYS["suggestions:participer"]] == [
        "account_login", "suggestions:suggest"]


# --- Seeded violations: each check of the gate must fail on a page made to break it ---------------

_PAGE = """<!DOCTYPE html><html{lang}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>a:focus, button:focus, input:focus {{ outline: 3px solid #f5a623; }}</style></head>
<body><a href="#main">Aller au contenu</a><main id="main" tabindex="-1"><h1>{title}</h1>{body}</main></body></html>"""


# The seeded pages carry the faults the gate must catch by itself (inline styles, a third-party
# image, an inline handler): they are served without the instance's Content-Security-Policy,
# which would otherwise block those faults before the gate could see them.
_NO_POLICY = {"Content-Security-Policy": "default-src * data: 'unsafe-inline'"}


def _page(body: str, title: str = "Page d'essai", lang: str = ' lang="fr"'):
    def view(request):
        return HttpResponse(_PAGE.format(body=body, title=title, lang=lang), headers=_NO_POLICY)

    return view


_received: dict[str, str] = {}


@csrf_exempt
def _form_view(request, button: str):
    if request.method == "POST":
        _received["q"] = request.POST.get("q", "")
        return HttpResponseRedirect("/essai/merci/")
    form = f'<form method="post" action=""><label for="q">Idée</label> <input id="q" name="q">{button}</form>'
    return HttpResponse(_PAGE.format(body=form, title="Formulaire d'essai", lang=' lang="fr"'), headers=_NO_POLICY)


urlpatterns = [
    path("essai/ok/", _page("<p>Tout va bien.</p>"), name="seeded_ok"),
    path("essai/image/", _page('<img src="/essai/ok/" width="10" height="10">'), name="seeded_alt"),
    path("essai/sans-langue/", _page("<p>Bonjour.</p>", lang=""), name="seeded_lang"),
    path("essai/externe/", _page('<img alt="" src="https://cdn.evil.example/pixel.png">'),
         name="seeded_third_party"),
    path("essai/large/", _page('<div style="width: 1000px">Un tableau trop large.</div>'),
         name="seeded_reflow"),
    path("essai/lourde/", _page("<p>" + "lourd " * 110_000 + "</p>"), name="seeded_weight"),
    path("essai/sans-evitement/", lambda request: HttpResponse(
        '<!DOCTYPE html><html lang="fr"><title>Sans lien</title><main><h1>Sans lien</h1>'
        '<p><a href="/">Accueil</a></p></main></html>'), name="seeded_skip"),
    path("essai/merci/", _page("<p>Merci.</p>", title="Merci"), name="seeded_thanks"),
    path("essai/clavier/", _form_view, {"button": '<button tabindex="-1">Envoyer</button>'},
         name="seeded_mouse_only"),
    path("essai/javascript/", _form_view,
         {"button": '<button type="button" onclick="this.form.submit()">Envoyer</button>'},
         name="seeded_js_only"),
    path("essai/accessible/", _form_view, {"button": "<button>Envoyer</button>"}, name="seeded_form"),
]

SEEDS = {
    "seeded_alt": ("/essai/image/", "axe image-alt (critical)"),
    "seeded_lang": ("/essai/sans-langue/", "<html> has no lang attribute"),
    "seeded_third_party": ("/essai/externe/", "requests to other origins: ['https://cdn.evil.example/pixel.png']"),
    "seeded_reflow": ("/essai/large/", "horizontal scrolling at 320 CSS px"),
    "seeded_weight": ("/essai/lourde/", "over the 500 KB budget"),
    "seeded_skip": ("/essai/sans-evitement/", "does not reach a working skip link"),
}


@pytest.mark.urls("tests.gates.test_browser")
def test_a_page_made_right_passes_the_audit(chromium, axe, live_server):
    visit = harness_browser.open_context(chromium, live_server.url)
    try:
        _record, problems = harness_browser.audit(visit, "/essai/ok/", axe, label="ok")
    finally:
        visit.context.close()
    assert problems == []


@pytest.mark.urls("tests.gates.test_browser")
@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seeded_violation_fails_the_audit(seed, chromium, axe, live_server):
    url, expected = SEEDS[seed]
    visit = harness_browser.open_context(chromium, live_server.url)
    try:
        _record, problems = harness_browser.audit(visit, url, axe, label=seed)
    finally:
        visit.context.close()
    assert any(expected in problem for problem in problems), problems


def _seeded_form(url):
    return SamplePage(
        name="seeded_form", url=lambda fx: url,
        form=FormSample(data=lambda fx: {"q": "Un banc"}, role=ANONYMOUS, submit="Envoyer",
                        done=lambda fx, html: _received.get("q") == "Un banc" and "Merci" in html),
    )


@pytest.mark.urls("tests.gates.test_browser")
@pytest.mark.parametrize("url, keyboard, expected", [
    ("/essai/accessible/", True, None),
    ("/essai/accessible/", False, None),
    ("/essai/clavier/", True, "cannot be reached with the Tab key"),
    ("/essai/javascript/", False, "without JavaScript does not submit the form"),
])
def test_seeded_journeys_fail_when_the_keyboard_or_no_javascript_cannot_finish(
        url, keyboard, expected, chromium, axe, live_server):
    _received.clear()
    problems = _run_journey(chromium, live_server, axe, [_seeded_form(url)], keyboard=keyboard,
                            ident="seeded")
    if expected is None:
        assert problems == []
    else:
        assert any(expected in problem for problem in problems), problems
        assert any("did not complete" in problem for problem in problems), problems


# --- Maps --------------------------------------------------------------------------------------


def test_a_map_is_drawn_with_javascript_and_its_places_listed_without(chromium, live_server):
    """The budget open for voting has two projects placed by the agent: with scripts, Leaflet
    (served from our own origin) draws one marker each; without, the map stays hidden and
    the list of places is there."""
    page_declared = next(p for p in harness.pages() if p.id.startswith("participatory_budget:component")
                         and p.variant == "vote")
    fx = harness.Fixtures()
    fx.prepare(page_declared)
    url = page_declared.url(fx)
    for javascript in (True, False):
        visit = harness_browser.open_context(chromium, live_server.url, javascript=javascript)
        try:
            page = visit.context.new_page()
            page.goto(url, wait_until="load")
            drawn = page.evaluate("""() => ({
                shown: !!document.querySelector('.parvis-map:not([hidden])'),
                markers: document.querySelectorAll('.parvis-map path.leaflet-interactive').length,
                listed: [...document.querySelectorAll('.map-places li a')].map(a => a.textContent.trim()),
            })""")
            assert not visit.third_party, visit.third_party
        finally:
            visit.context.close()
        assert sorted(drawn["listed"]) == ["Des casiers au collège", "Une cour d'école végétalisée"]
        assert drawn["shown"] is javascript
        assert drawn["markers"] == (2 if javascript else 0)
