"""The every-page gates' shared machinery: declarations, fixtures per role, checks.

Every gate is a plain function returning a list of problems (empty when the gate passes), so
the tests in this folder can run it over the declared pages *and* over a seeded violation to
prove it fails. See docs/gates.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from core.models import Membership, Organisation, Role, User
from core.plugin_host import call_each
from core.plugins import (
    ADMIN,
    AGENT,
    ANONYMOUS,
    FOREIGN_ADMIN,
    MODERATOR,
    OFFICIAL,
    OTHER_PARTICIPANT,
    PARTICIPANT,
    ROLES,
    SamplePage,
)
from tests.conftest import make_space

HOST = "testserver"
PASSWORD = "correct horse battery staple 42"

# --- URL patterns and declarations -----------------------------------------------------------

#: URL patterns the gates do not require a declaration for, each with the reason. Everything
#: else that the resolver knows must be declared by the core or a plugin (``sample_pages``).
EXCLUDED: list[tuple[str, str]] = [
    # The Wagtail back-office is Wagtail's responsibility; the browser gate still audits its
    # login page and records the result without failing (see test_browser.py).
    (r"^admin/", "Wagtail admin"),
    # Wagtail's page-serving catch-all and its page-privacy forms (content pages agents write).
    (r"^_util/", "Wagtail page privacy forms"),
    (r"^\^\(\(\?:\[\\w\\-\]\+/\)\*\)\$$", "Wagtail page-serving catch-all"),
    # Django's JavaScript translation catalogue: a script, not a page.
    (r"^jsi18n/$", "JavaScript catalogue"),
    # Static and media files served in demo and test modes.
    (r"^\^?/?static/", "static files"),
    (r"^\^?/?media/", "media files"),
]


@dataclass(frozen=True)
class Route:
    name: str | None  # with namespaces: "core:space"
    route: str  # the pattern's text, prefixes included: "spaces/<slug:slug>/"
    view: str  # dotted path of the view, for messages


def walk(patterns: Iterable, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Route]:
    """Every URL pattern under ``patterns``, flattened, with its full name and route."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            yield Route(name, prefix + str(pattern.pattern), pattern.lookup_str)


def excluded(route: Route) -> str | None:
    for regex, reason in EXCLUDED:
        if re.search(regex, route.route):
            return reason
    return None


def all_routes(urlconf: str | None = None) -> list[Route]:
    return list(walk(get_resolver(urlconf).url_patterns))


def declared_pages() -> list[tuple[str, SamplePage]]:
    """``(plugin slug, page)`` for every page declared through the ``sample_pages`` hook."""
    pages = []
    for slug, declared in call_each("sample_pages"):
        for page in declared:
            if not isinstance(page, SamplePage):
                raise TypeError(f"{slug}: sample_pages must return SamplePage objects, not {page!r}")
            pages.append((slug, page))
    return pages


def pages() -> list[SamplePage]:
    return [page for _slug, page in declared_pages()]


def undeclared_routes(routes: Iterable[Route], declarations: Iterable[SamplePage]) -> list[str]:
    """Problems: URL patterns that no declaration covers, or that have no name."""
    names = {page.name for page in declarations}
    problems = []
    for route in routes:
        if excluded(route):
            continue
        if route.name is None:
            problems.append(f"/{route.route} ({route.view}) has no name: name it and declare it "
                            "in a sample_pages hook")
        elif route.name not in names:
            problems.append(f"{route.name} (/{route.route}, {route.view}) is not declared by any "
                            "sample_pages hook")
    return problems


def stale_declarations(routes: Iterable[Route], declarations: Iterable[SamplePage]) -> list[str]:
    known = {route.name for route in routes if route.name}
    return [f"{page.id} is declared but no URL pattern has that name"
            for page in declarations if page.name not in known]


def page_params(only: Callable[[SamplePage], bool] = lambda page: True):
    """pytest parameters, one per declared page, with readable ids."""
    import pytest

    return [pytest.param(page, id=page.id) for page in pages() if only(page)]


# --- Fixtures: an organisation, another one, a space, one account per role --------------------


class Fixtures:
    """What a declared page's callables receive: organisations, a space, a user per role.

    ``organisation`` owns ``space``; ``other_organisation`` is someone else's. ``users`` maps
    every role of ``core.plugins.ROLES`` to an account (``None`` for anonymous): participants
    have no role; moderator, agent, official and admin hold that role in ``organisation``;
    foreign_admin administers ``other_organisation``. Every account's e-mail address is
    verified and its password is ``password``. ``objects`` is where ``setup`` callables keep
    what they create, for ``url`` and ``list_of``.
    """

    password = PASSWORD

    def __init__(self) -> None:
        self.organisation = Organisation.objects.create(name="Saint-Aubin", slug="saint-aubin")
        self.other_organisation = Organisation.objects.create(
            name="Collectif Air", slug="collectif-air", kind=Organisation.Kind.ASSOCIATION
        )
        self.space = make_space(self.organisation, "centre-bourg")
        self.users = {ANONYMOUS: None}
        memberships = {
            MODERATOR: (self.organisation, Role.MODERATOR),
            AGENT: (self.organisation, Role.AGENT),
            OFFICIAL: (self.organisation, Role.OFFICIAL),
            ADMIN: (self.organisation, Role.ADMIN),
            FOREIGN_ADMIN: (self.other_organisation, Role.ADMIN),
        }
        from allauth.account.models import EmailAddress

        for role in ROLES[1:]:
            email = f"{role.replace('_', '-')}@example.org"
            user = User.objects.create_user(email=email, password=self.password,
                                            display_name=role.replace("_", " ").capitalize())
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if role in memberships:
                organisation, held = memberships[role]
                Membership.objects.create(user=user, organisation=organisation, role=held)
            self.users[role] = user
        assert set(self.users) == set(ROLES)
        assert self.users[PARTICIPANT] and self.users[OTHER_PARTICIPANT]
        self.objects: dict = {}
        self._setups_run: set[int] = set()

    def prepare(self, *declared: SamplePage) -> None:
        """Run the ``setup`` of pages, each setup function once."""
        for page in declared:
            if page.setup and id(page.setup) not in self._setups_run:
                self._setups_run.add(id(page.setup))
                page.setup(self)

    def email(self, role: str) -> str:
        return self.users[role].email

    def logged_in_user_ids(self) -> set[int]:
        """Users with a live session (to tell whether a login or a logout happened)."""
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        ids = set()
        for session in Session.objects.filter(expire_date__gt=timezone.now()):
            user_id = session.get_decoded().get("_auth_user_id")
            if user_id:
                ids.add(int(user_id))
        return ids

    def sent_mail_to(self, address: str) -> bool:
        from django.core import mail

        return any(address in message.to for message in getattr(mail, "outbox", []))


def client_for(fx: Fixtures, role: str) -> Client:
    """A test client signed in as ``role`` (answers 500 instead of raising, like a server)."""
    client = Client(raise_request_exception=False, HTTP_HOST=HOST)
    user = fx.users[role]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def send(fx: Fixtures, role: str, method: str, url: str, data=None, *, keep: bool = False,
         raw: str | None = None):
    """One request as ``role``, in a savepoint rolled back afterwards unless ``keep``.

    Signing in happens inside the savepoint too (it changes ``last_login``, which password
    reset tokens depend on), and the cache is emptied first: allauth's rate limits count
    in it, and each cell of a gate must not depend on the cells before it.
    """
    cache.clear()
    with transaction.atomic():
        client = client_for(fx, role)
        if method == "GET":
            response = client.get(url, data or {})
        elif raw is not None:
            response = client.post(url, raw, content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(url, data or {})
        if not keep:
            transaction.set_rollback(True)
    return response


def explain(response) -> str:
    """The exception behind a 500, for the failure message."""
    info = getattr(response, "exc_info", None)
    if info and info[1] is not None:
        return f" ({type(info[1]).__name__}: {info[1]})"
    return ""


# --- Gate: permissions matrix ------------------------------------------------------------------


@dataclass
class Cell:
    page: str
    url: str
    role: str
    method: str
    expected: str
    got: int
    location: str = ""  # where a redirect goes, for the report

    @property
    def ok(self) -> bool:
        return str(self.got) in self.expected.split("|")


def permission_matrix(page: SamplePage, fx: Fixtures) -> list[Cell]:
    """Every role x method cell of one declared page, with expected and actual status.

    A page without a form (``post`` is ``None``) must answer a POST like its GET, or 405.
    """
    fx.prepare(page)
    url = page.url(fx)
    cells = []
    for role in ROLES:
        for method in ("GET", "POST"):
            data = page.form.data(fx) if (method == "POST" and page.form) else None
            response = send(fx, role, method, url, data)
            expected = page.expected(method, role)
            wanted = f"{page.expected('GET', role)}|405" if expected is None else str(expected)
            cells.append(Cell(page.id, url, role, method, wanted, response.status_code,
                              response.get("Location", "")))
    return cells


def permission_problems(page: SamplePage, fx: Fixtures) -> list[str]:
    return [f"{c.method} {c.url} as {c.role}: expected {c.expected}, got {c.got}"
            for c in permission_matrix(page, fx) if not c.ok]


# --- Gate: query budgets -----------------------------------------------------------------------


def query_counts(page: SamplePage, fx: Fixtures, small: int = 10, large: int = 1000) -> tuple[int, int]:
    """Queries to render the page with ``small`` then ``large`` listed items."""
    assert page.list_of is not None
    fx.prepare(page)
    page.list_of(fx, small)
    url = page.url(fx)
    client = client_for(fx, page.auditor())
    assert client.get(url).status_code == 200, f"{page.id}: {url} does not answer 200"  # warm caches
    counts = []
    for more in (0, large - small):
        if more:
            page.list_of(fx, more)
        cache.clear()  # measure the rendering, not a cached page (both counts start cold)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, f"{page.id}: {url} answered {response.status_code}"
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def query_budget_problems(page: SamplePage, fx: Fixtures) -> list[str]:
    few, many = query_counts(page, fx)
    if few != many:
        return [f"{page.id}: {few} queries with 10 items, {many} with 1,000: the page makes "
                "queries per item (use select_related/prefetch_related or paginate)"]
    return []


# --- Gate: hostile input -----------------------------------------------------------------------

MARK = "pvx"  # every script payload carries it, to recognise an injection in the page

HOSTILE: list[tuple[str, str]] = [
    # Cross-site scripting: elements, attributes, SVG, URLs with dangerous schemes.
    ("script tag", f"<script>alert('{MARK}')</script>"),
    ("attribute break-out", f'"><img src=x onerror=alert(\'{MARK}\')>'),
    ("single-quote break-out", f"' onmouseover='alert(\"{MARK}\")' x='"),
    ("svg onload", f"<svg/onload=alert('{MARK}')>"),
    ("svg script", f"<svg><script>alert('{MARK}')</script></svg>"),
    ("javascript url", f"javascript:alert('{MARK}')"),
    ("javascript url, mixed case and space", f" JaVaScRiPt:alert('{MARK}')"),
    ("data url", f"data:text/html,<script>alert('{MARK}')</script>"),
    ("template syntax", "{{ 7|add:7 }}" + MARK),
    # Formula cells (CSV injection when exported to a spreadsheet).
    ("formula =", f'=HYPERLINK("https://evil.example/","{MARK}")'),
    ("formula +", "+cmd|' /C calc'!A0"),
    ("formula -", "-2+3+cmd|' /C calc'!A0"),
    ("formula @", "@SUM(1+1)*cmd|' /C calc'!A0"),
    # Huge strings.
    ("100,000 characters", "a" * 100_000),
    ("20,000 two-byte characters", "é" * 20_000),
    # Unicode edge cases.
    ("right-to-left override", "abc\u202egnp.exe\u202c"),
    ("zero-width characters", "\u200b\u200c\u200d\ufeff"),
    ("emoji and astral planes", "👩🏽‍🦯 🇫🇷 𝕻𝖆𝖗𝖛𝖎𝖘"),
    ("combining characters", "e\u0301" * 500),
    ("NUL byte", "abc\x00def"),
    ("non-characters", "\ufffe\uffff"),
    ("CRLF header injection", "a\r\nSet-Cookie: pvx=1"),
    ("only spaces", "   "),
    ("empty", ""),
    # Numbers that are not numbers.
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ("-Infinity", "-Infinity"),
    ("1e309", "1e309"),
    ("400 digits", "9" * 400),
    ("Arabic-Indic digits", "١٢٣"),
    ("hexadecimal", "0x1F"),
    ("negative zero", "-0"),
]

#: Raw bodies that are not valid UTF-8 (``%FF`` cannot be decoded).
INVALID_UTF8 = "%FF%FE%C3%28"

#: Text UTF-8 cannot encode (lone halves of UTF-16 surrogate pairs), in a name and as a token.
#: A browser never sends it; a client does, through a JSON escape or a declared charset.
LONE_SURROGATES: list[tuple[str, str]] = [
    ("lone surrogate", "A\ud800B"),
    ("lone surrogate alone", "\ud800"),
    ("lone low surrogate", "\udfff"),
]


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def utf7_multipart(data: dict) -> tuple[bytes, str]:
    """A multipart form declaring ``charset=utf-7``: the one way a form field reaches Django
    as text UTF-8 cannot encode (Django decodes every field with the declared charset).
    Values are text, lists of text, or files (``name`` and ``read()``)."""
    boundary = "pvxBoundary7"
    parts = []
    for name, values in data.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            if hasattr(value, "read"):
                value.seek(0)
                head += f'; filename="{value.name}"\r\nContent-Type: application/octet-stream'
                content = value.read()
            else:
                content = str(value).encode("utf-7")
            parts.append(f"{head}\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}; charset=utf-7"


def post_form(client: Client, url: str, data: dict):
    """POST ``data`` as a browser would, or as UTF-7 multipart when it cannot be UTF-8."""
    if all(encodable(f"{key}{value}") for key, value in data.items()):
        return client.post(url, data)
    body, content_type = utf7_multipart(data)
    return client.generic("POST", url, body, content_type=content_type)

EVIL_HOST = "evil.example"
REDIRECTS: list[str] = [
    f"https://{EVIL_HOST}/",
    f"//{EVIL_HOST}/",
    f"///{EVIL_HOST}/",
    f"/\\{EVIL_HOST}/",
    f"\\\\{EVIL_HOST}/",
    f"https:{EVIL_HOST}",
    f"http://{HOST}@{EVIL_HOST}/",
    f" //{EVIL_HOST}/",
    f"\t//{EVIL_HOST}/",
    f"/%2F%2F{EVIL_HOST}/",
    f"javascript:alert('{MARK}')",
    f"data:text/html,<script>alert('{MARK}')</script>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class _Scanner(HTMLParser):
    """Finds what an injection leaves in a page: handlers, scripts and URLs carrying MARK."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARK in value:
                self.problems.append(f"<{tag} {name}=...> event handler injected")
            if name in URL_ATTRIBUTES:
                squashed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squashed.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:60]!r}> dangerous URL")
                self.links.append(value)
        if tag == "svg" and any(name == "onload" for name, _value in attrs):
            self.problems.append("<svg onload> injected")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.problems.append("<script> with the payload injected")


def scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def injection_problems(html: str, payload: str) -> list[str]:
    """Unescaped reflection of ``payload`` (or what it would inject) in ``html``."""
    problems = scan(html).problems
    if any(ch in payload for ch in "<>\"'") and len(payload) < 1000 and payload in html:
        problems.append("reflected unescaped")
    if payload.startswith("{{ 7|add:7 }}") and f"14{MARK}" in html:
        problems.append("template syntax evaluated")
    return problems


def is_offsite(location: str, host: str = HOST) -> bool:
    """Would a browser leave ``host`` when following ``location``?"""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x20").replace("\\", "/")
    target = urljoin(f"http://{host}/", cleaned)
    parts = urlsplit(target)
    return parts.scheme not in {"http", "https"} or parts.hostname != host


def _has_form_error(html: str) -> bool:
    return any(marker in html for marker in ('aria-invalid="true"', 'class="errorlist', 'role="alert"'))


def _check_response(label: str, response, payload: str, success: int) -> list[str]:
    problems = []
    status = response.status_code
    if status >= 500:
        problems.append(f"{label}: server error {status}{explain(response)}")
        return problems
    html = response.content.decode("utf-8", "replace") if response.content else ""
    problems += [f"{label}: {problem}" for problem in injection_problems(html, payload)]
    if status != success and status in {200, 400, 422} and not _has_form_error(html):
        problems.append(f"{label}: refused ({status}) without a visible form error "
                        "(aria-invalid, errorlist or role=alert)")
    location = response.get("Location", "")
    if location and is_offsite(location):
        problems.append(f"{label}: redirects off-site to {location!r}")
    return problems


def hostile_problems(page: SamplePage, fx: Fixtures) -> list[str]:
    """Every hostile payload in every typed field of the page's form."""
    if page.form is None:
        return []
    fx.prepare(page)
    url = page.url(fx)
    form = page.form
    shown_on = form.shown_on(fx) if form.shown_on else url
    problems = []
    for field in form.typed_fields(fx):
        for name, payload in [*HOSTILE, *LONE_SURROGATES, ("invalid UTF-8", None)]:
            label = f"POST {url} {field}={name}"
            cache.clear()
            with transaction.atomic():
                client = client_for(fx, form.role)
                valid = form.data(fx)
                if payload is None:
                    others = {k: v for k, v in valid.items() if k != field}
                    body = urlencode(others) + f"&{field}={INVALID_UTF8}"
                    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
                else:
                    response = post_form(client, url, {**valid, field: payload})
                problems += _check_response(label, response, payload or "", form.success_status)
                if payload and response.status_code in {301, 302, 303}:
                    # Stored: the page showing the form and the page redirected to show it safely.
                    for shown in {shown_on, response["Location"]}:
                        if is_offsite(shown):
                            continue
                        again = client.get(shown)
                        if again.status_code >= 500:
                            problems.append(f"{label}, then GET {shown}: server error{explain(again)}")
                        elif again.status_code == 200:
                            problems += [f"{label}, then GET {shown}: {p}" for p in
                                         injection_problems(again.content.decode("utf-8", "replace"), payload)]
                transaction.set_rollback(True)
    return problems


def _refused_clearly(label: str, response, api: bool) -> list[str]:
    if response.status_code >= 500:
        return [f"{label}: server error {response.status_code}{explain(response)}"]
    if response.status_code != 400:
        return [f"{label}: answered {response.status_code}, not 400"]
    if api or "json" in response.get("Content-Type", ""):
        error = response.json().get("error") or {}
        if error.get("code") != "unencodable_text" or not error.get("message"):
            return [f"{label}: no unencodable_text error in {response.content[:200]!r}"]
        return []
    if not _has_form_error(response.content.decode("utf-8", "replace")):
        return [f"{label}: refused without a visible message (aria-invalid, errorlist or role=alert)"]
    return []


def unencodable_text_problems(page: SamplePage, fx: Fixtures) -> list[str]:
    """Text UTF-8 cannot encode, on any declared page or endpoint, in the query string (through
    a declared ``charset=utf-7``) and in a JSON body (escaped, and as the bytes of a surrogate):
    a 400 that says so (the API's error format under /api/), never a server error."""
    fx.prepare(page)
    url = page.url(fx)
    api = urlsplit(url).path.startswith("/api/")
    joiner = "&" if "?" in url else "?"
    problems = []
    for name, payload in LONE_SURROGATES:
        document = {"name": payload, "token": payload, "list": [payload]}
        attempts = [
            ("GET", f"{url}{joiner}{urlencode({'q': payload.encode('utf-7')})}", None,
             "text/plain; charset=utf-7"),
            ("POST", url, json.dumps(document), "application/json"),
            ("POST", url, json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"),
             "application/json"),
        ]
        for method, target, body, content_type in attempts:
            cache.clear()
            with transaction.atomic():
                client = client_for(fx, page.auditor())
                if body is None:
                    response = client.get(target, CONTENT_TYPE=content_type)
                else:
                    response = client.generic(method, target, body, content_type=content_type)
                transaction.set_rollback(True)
            label = f"{method} {target if body is None else url} ({content_type}) {name}"
            problems += _refused_clearly(label, response, api)
    return problems


def redirect_problems(page: SamplePage, fx: Fixtures) -> list[str]:
    """Open redirects through the page's redirect parameters, in GET and in the form's POST."""
    if not page.redirect_params:
        return []
    fx.prepare(page)
    url = page.url(fx)
    problems = []
    for param in page.redirect_params:
        for target in REDIRECTS:
            joiner = "&" if "?" in url else "?"
            get_url = f"{url}{joiner}{urlencode({param: target})}"
            response = send(fx, page.auditor(), "GET", get_url)
            problems += _check_response(f"GET {get_url}", response, target, response.status_code)
            if response.status_code == 200:
                links = scan(response.content.decode("utf-8", "replace")).links
                problems += [f"GET {get_url}: links off-site to {link!r}" for link in links
                             if EVIL_HOST in link and is_offsite(link)]
            if page.form is not None:
                data = {**page.form.data(fx), param: target}
                response = send(fx, page.form.role, "POST", url, data)
                label = f"POST {url} {param}={target!r}"
                problems += _check_response(label, response, target, response.status_code)
    return problems


def resolves_to(url: str, name: str) -> bool:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Exception:  # noqa: BLE001 - Resolver404 and friends
        return False
    return match.view_name == name


# --- Journeys: the declared forms, completed in a browser ----------------------------------------


def journeys() -> dict[str, list[SamplePage]]:
    """Declared forms grouped into journeys (``"<slug>:<journey>"``), steps in order.

    A form that names no journey is a journey of one step, under its page's id.
    """
    grouped: dict[str, list[SamplePage]] = {}
    for slug, page in declared_pages():
        if page.form is None or page.form.done is None:
            continue
        key = f"{slug}:{page.form.journey}" if page.form.journey else page.id
        grouped.setdefault(key, []).append(page)
    return {key: sorted(steps, key=lambda page: page.form.step) for key, steps in sorted(grouped.items())}
