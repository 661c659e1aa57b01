"""The browser harness of the gates: Debian's Chromium driven by Playwright, axe-core injected.

Used by ``test_browser.py`` (``tox -e browser``). Each audit returns a record (kept as JSON in
``test-reports/axe/``) and the list of problems that fail the gate.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PARVIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORT_DIR = ROOT / "test-reports" / "axe"
#: WCAG 2.1 levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")
WEIGHT_BUDGET = 500 * 1024  # bytes transferred on a first load, every resource included
NARROW = 320  # CSS pixels: WCAG 1.4.10 reflow
TIMEOUT_MS = 15_000
MAX_TABS = 150

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return {
    version: axe.version,
    passes: result.passes.length,
    incomplete: result.incomplete.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300),
                                failureSummary: n.failureSummary})),
    })),
  };
}"""

FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || (s.boxShadow && s.boxShadow !== 'none');
}"""

FIND_FORM = """(submit) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  // Submit buttons first; then any button of a form (one that only scripts can make submit).
  const all = [...document.querySelectorAll('form button, form input[type=submit], form input[type=button]')];
  const buttons = [...all.filter((b) => b.type === 'submit'), ...all.filter((b) => b.type !== 'submit')];
  const text = (b) => norm(b.innerText || b.value || b.textContent);
  const button = buttons.find((b) => text(b) === submit) || buttons.find((b) => text(b).startsWith(submit));
  document.querySelectorAll('[data-gate-form],[data-gate-submit]').forEach((e) => {
    e.removeAttribute('data-gate-form'); e.removeAttribute('data-gate-submit'); });
  if (!button) return false;
  button.setAttribute('data-gate-submit', '');
  button.form.setAttribute('data-gate-form', '');
  return true;
}"""

TOO_WIDE = """(width) => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  // The culprits: elements wider than the viewport none of whose children is.
  const tooWide = (el) => el.getBoundingClientRect().right > width + 1
    || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
        && el.getBoundingClientRect().left + el.scrollWidth > width + 1);
  const wide = [...document.body.querySelectorAll('*')]
    .filter((el) => tooWide(el) && ![...el.children].some(tooWide));
  return wide.slice(0, 5).map((el) => `${describe(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
}"""

#: A refused form says so: a field marked invalid, an error list, an alert or a status message.
SHOWS_ERROR = """() => !!document.querySelector(
  '[aria-invalid=true], .errorlist, [role=alert], [role=status] .error, [role=status] li')"""

CONTROLS = """() => {
  const form = document.querySelector('[data-gate-form]');
  const names = [];
  for (const el of form.elements) {
    if (!el.name || el.disabled || ['hidden', 'submit', 'button', 'reset'].includes(el.type)) continue;
    if (!names.includes(el.name)) names.push(el.name);
  }
  return names;
}"""

CLEAR_TEXT = """() => {
  const form = document.querySelector('[data-gate-form]');
  let required = 0;
  for (const el of form.elements) {
    if (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['hidden', 'submit', 'button',
        'reset', 'radio', 'checkbox', 'file', 'range', 'color'].includes(el.type))) {
      if (el.required) required += 1;
      el.value = '';
    }
  }
  form.noValidate = true;
  return required;
}"""

ACTIVE_IS = """([name, submit, value]) => {
  const el = document.activeElement;
  if (!el || !el.form || !el.form.hasAttribute('data-gate-form')) return false;
  if (submit) return el.hasAttribute('data-gate-submit');
  if (el.name !== name) return false;
  // In a group of checkboxes sharing a name, the one with the wanted value.
  if (el.type === 'checkbox' && value !== null && el.value !== 'on'
      && el.form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]`).length > 1) {
    return el.value === value;
  }
  return true;
}"""


def fail_setup(message: str):
    import pytest

    pytest.fail(message, pytrace=False)


def axe_source() -> str:
    if not AXE.exists():
        fail_setup(f"{AXE} is missing: run `npm ci` at the root of the repository.")
    return AXE.read_text()


def launch(playwright):
    if not Path(CHROMIUM).exists():
        fail_setup(f"{CHROMIUM} is missing: `apt-get install chromium` (Debian), or set "
                   "PARVIS_CHROMIUM to a Chromium executable.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      timeout=60_000)


def safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")


@dataclass
class Visit:
    """A browser context for one role, recording every request it makes."""

    context: object
    origin: str
    requests: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)

    def route(self, route):
        url = route.request.url
        self.requests.append(url)
        scheme = urlsplit(url).scheme
        if scheme in {"data", "blob", "about"} or url.startswith(self.origin):
            route.continue_()
        else:
            self.third_party.append(url)
            route.abort()


def open_context(browser, base_url: str, session_cookie: tuple[str, str] | None = None, *,
                 javascript: bool = True, width: int = 1280) -> Visit:
    context = browser.new_context(
        base_url=base_url, java_script_enabled=javascript, locale="fr-FR",
        viewport={"width": width, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    if session_cookie:
        name, value = session_cookie
        context.add_cookies([{"name": name, "value": value, "url": base_url}])
    visit = Visit(context, base_url.rstrip("/"))
    context.route("**/*", visit.route)
    return visit


def run_axe(page, source: str) -> dict:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol, which the pages' strict
        # Content-Security-Policy (no inline script) does not apply to: the pages are audited
        # under the policy they are served with.
        page.evaluate(f"{source}\n;undefined")
    return page.evaluate(RUN_AXE, AXE_TAGS)


def counts(violations: list[dict]) -> dict[str, int]:
    result = dict.fromkeys(IMPACTS, 0)
    for violation in violations:
        result[violation.get("impact") or "minor"] += 1
    return result


def axe_problems(violations: list[dict]) -> list[str]:
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in violations if v.get("impact") in BLOCKING
    ]


def transferred(responses) -> int:
    total = 0
    for response in responses:
        try:
            sizes = response.request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # noqa: BLE001 - a response without sizes (aborted): count its body
            try:
                total += len(response.body())
            except Exception:  # noqa: BLE001 - redirects have no body
                pass
    return total


def audit(visit: Visit, url: str, source: str, *, label: str, expect_lang: str = "fr") -> tuple[dict, list[str]]:
    """Load ``url`` once (first load, nothing cached) and check everything that a page owes.

    axe-core (WCAG 2.1 A/AA: no serious or critical violation), ``lang``, a title, no request
    to another origin, the weight budget, reflow at 320 CSS pixels, and a skip link reached by
    the first Tab that moves the focus to the main content.
    """
    page = visit.context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    visit.third_party.clear()
    try:
        response = page.goto(url, wait_until="load")
        status = response.status if response else 0
        result = run_axe(page, source)
        lang = page.evaluate("() => document.documentElement.getAttribute('lang') || ''")
        title = page.title().strip()
        weight = transferred(responses)
        third_party = list(visit.third_party)
        # Keyboard: the first Tab reaches the skip link, Enter moves the focus to the content
        # (unless the page already puts the focus in its main content, with autofocus).
        starts_in_main = page.evaluate("""() => { const el = document.activeElement;
            return !!el && el !== document.body && !!el.closest('main'); }""")
        skip, skip_works = ("(focus starts in <main>)", True) if starts_in_main else (None, False)
        if not starts_in_main:
            page.keyboard.press("Tab")
            skip = page.evaluate("""() => { const el = document.activeElement;
                return el && el.tagName === 'A' ? el.getAttribute('href') : null; }""")
        if skip and skip.startswith("#"):
            page.keyboard.press("Enter")
            skip_works = page.evaluate("(id) => document.activeElement && document.activeElement.id === id",
                                       skip[1:])
        page.set_viewport_size({"width": NARROW, "height": 800})
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        too_wide = page.evaluate(TOO_WIDE, NARROW) if overflow > NARROW else []
        final_url = page.url
    finally:
        page.close()
    record = {
        "label": label, "url": url, "final_url": final_url, "status": status,
        "axe_version": result["version"], "standard": "WCAG 2.1 A/AA", "tags": AXE_TAGS,
        "violations": result["violations"], "counts": counts(result["violations"]),
        "passes": result["passes"], "incomplete": result["incomplete"],
        "lang": lang, "title": title, "weight_bytes": weight, "third_party_requests": third_party,
        "scroll_width_at_320": overflow, "too_wide_at_320": too_wide,
        "skip_link": skip, "skip_link_works": skip_works,
    }
    problems = axe_problems(result["violations"])
    if status >= 400:
        problems.append(f"answered {status}")
    if not lang:
        problems.append("<html> has no lang attribute")
    elif expect_lang and lang.split("-")[0] != expect_lang:
        problems.append(f"<html lang={lang!r}>, expected {expect_lang!r}")
    if not title:
        problems.append("the page has no title")
    if third_party:
        problems.append(f"requests to other origins: {third_party}")
    if weight > WEIGHT_BUDGET:
        problems.append(f"first load weighs {weight // 1024} KB, over the {WEIGHT_BUDGET // 1024} KB budget")
    if overflow > NARROW:
        problems.append(f"horizontal scrolling at {NARROW} CSS px (content is {overflow} px wide: "
                        f"{', '.join(too_wide) or '?'})")
    if not skip_works:
        problems.append(f"the first Tab does not reach a working skip link (focused: {skip!r})")
    record["problems"] = problems
    return record, problems


def summary_row(record: dict) -> dict:
    return {
        "id": record["id"], "label": record["label"], "url": record["url"],
        "role": record.get("role", "anonymous"), "violations": record["counts"],
        "rules": sorted({v["id"] for v in record["violations"]}),
    }


def build_summary(records: list[dict], unenforced: list[dict], *, browser: str, when) -> dict:
    """What ``parvis a11y_record`` imports (format ``parvis-axe-summary/1``)."""
    version = next((r["axe_version"] for r in records + unenforced), "?")
    return {
        "format": "parvis-axe-summary/1",
        "generated_at": when.isoformat(timespec="seconds"),
        "tool": f"axe-core {version}",
        "browser": browser,
        "standard": "WCAG 2.1 A/AA",
        "pages": [summary_row(r) for r in records],
        # Recorded, not enforced (Wagtail's own admin): not counted in the conformity.
        "unenforced": [summary_row(r) for r in unenforced],
    }


def clear_reports() -> None:
    if REPORT_DIR.exists():
        for old in REPORT_DIR.glob("*.json"):
            old.unlink()


def write_record(name: str, record: dict) -> Path:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = REPORT_DIR / f"{safe_name(name)}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1))
    return path


# --- Completing a form: keyboard only, or without JavaScript ------------------------------------


def _tab_to(page, name: str, submit: bool = False, value: str | None = None) -> bool:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_IS, [name, submit, value]):
            return True
    return False


def _iso_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _date_keys(page, day: date) -> str:
    """What to type into a date field: its parts follow the browser's own locale, so the order
    is found on a scratch field (typing 01, 02, 2003 gives 2003-02-01 when the day comes first)."""
    focused = page.evaluate("""() => { const probe = document.createElement('input');
        probe.type = 'date'; probe.id = 'gate-date-probe'; document.body.appendChild(probe);
        const back = document.activeElement; probe.focus(); window.__gateBack = back; return true; }""")
    if focused:
        page.keyboard.type("01022003")
    probed = page.evaluate("""() => { const probe = document.getElementById('gate-date-probe');
        const value = probe.value; probe.remove(); window.__gateBack.focus(); return value; }""")
    parts = {"2003-02-01": ("day", "month"), "2003-01-02": ("month", "day")}.get(probed, ("day", "month"))
    first, second = (getattr(day, parts[0]), getattr(day, parts[1]))
    return f"{first:02d}{second:02d}{day.year:04d}"


def _checked(value) -> bool:
    return str(value).lower() not in {"", "off", "false", "0", "none"}


def form_values(page, data: dict[str, str], typed: tuple[str, ...]) -> tuple[dict[str, str], list[str]]:
    """The values to enter, in the order of the form's controls; typed fields must exist.

    Hidden inputs keep what the page put there; every other control named in ``data`` is set.
    """
    names = page.evaluate(CONTROLS)
    problems = [f"field {name!r} is not in the form" for name in typed if name not in names]
    return {name: str(data[name]) for name in names if name in data}, problems


def fill_with_keyboard(page, data: dict[str, str], submit: str, typed: tuple[str, ...] = ()) -> list[str]:
    """Reach each field and the submit button with Tab only, enter the values, press Enter."""
    if not page.evaluate(FIND_FORM, submit):
        return [f"no form with a submit button {submit!r} on {page.url}"]
    values, problems = form_values(page, data, typed)
    for name, value in values.items():  # in the order of the form, forward only
        if not _tab_to(page, name, value=value):
            problems.append(f"field {name!r} cannot be reached with the Tab key")
            continue
        if not page.evaluate(FOCUS_VISIBLE):
            problems.append(f"field {name!r} shows no visible focus")
        kind = page.evaluate("() => document.activeElement.tagName + ':' + (document.activeElement.type || '')")
        if kind.startswith("SELECT"):
            label = page.evaluate("""(value) => { const o = [...document.activeElement.options]
                .find((o) => o.value === value); return o ? o.textContent.trim() : null; }""", value)
            if label is None:
                problems.append(f"{name!r} has no option {value!r}")
                continue
            page.keyboard.type(label)
        elif kind.endswith(":radio"):
            # Arrow keys move the choice within the group (bounded by the group's size).
            size = page.evaluate("(name) => document.activeElement.form.querySelectorAll("
                                 "`input[type=radio][name=\"${CSS.escape(name)}\"]`).length", name)
            for _ in range(size + 1):
                state = page.evaluate("() => [document.activeElement.value, document.activeElement.checked]")
                if state[0] == value:
                    if not state[1]:
                        page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
            else:
                problems.append(f"{name!r}: no choice {value!r} reached with the arrow keys")
        elif kind.endswith(":checkbox"):
            if page.evaluate("() => document.activeElement.checked") != _checked(value):
                page.keyboard.press("Space")
        elif kind.endswith(":file"):
            problems.append(f"{name!r} is a file input: the browser gate cannot type a file")
        elif kind.endswith(":date"):
            # A date field types its parts in the order of the locale (fr-FR: day, month, year).
            day = _iso_date(value)
            if day is None:
                problems.append(f"{name!r}: {value!r} is not a date")
                continue
            page.keyboard.type(_date_keys(page, day))
            if page.evaluate("() => document.activeElement.value") != day.isoformat():
                problems.append(f"{name!r}: typing {value!r} with the keyboard did not set the date")
        else:
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            page.keyboard.type(value)
    if not _tab_to(page, "", submit=True):
        return [*problems, f"the submit button {submit!r} cannot be reached with the Tab key"]
    if not page.evaluate(FOCUS_VISIBLE):
        problems.append(f"the submit button {submit!r} shows no visible focus")
    try:
        with page.expect_navigation(wait_until="load", timeout=TIMEOUT_MS):
            page.keyboard.press("Enter")
    except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError
        problems.append(f"pressing Enter on {submit!r} does not submit the form ({type(exc).__name__})")
    return problems


def submit_emptied(page, submit: str) -> tuple[bool, list[str]]:
    """Empty the form's text fields and submit it with the keyboard, as without the browser's
    own validation: returns whether the form had required text fields, and the problems."""
    if not page.evaluate(FIND_FORM, submit) or not page.evaluate(CLEAR_TEXT):
        return False, []
    return True, fill_with_keyboard(page, {}, submit)


def fill_without_javascript(page, data: dict[str, str], submit: str, typed: tuple[str, ...] = ()) -> list[str]:
    if not page.evaluate(FIND_FORM, submit):
        return [f"no form with a submit button {submit!r} on {page.url}"]
    values, problems = form_values(page, data, typed)
    form = page.locator("form[data-gate-form]")
    for name, value in values.items():
        field = form.locator(f"[name={json.dumps(name)}]")
        kind = field.first.evaluate("(el) => el.tagName + ':' + (el.type || '')")
        if kind.startswith("SELECT"):
            field.first.select_option(value)
        elif kind.endswith(":radio"):
            form.locator(f"[name={json.dumps(name)}][value={json.dumps(value)}]").check()
        elif kind.endswith(":checkbox"):
            box = field if field.count() == 1 else form.locator(
                f"[name={json.dumps(name)}][value={json.dumps(value)}]")
            box.first.set_checked(_checked(value))
        elif kind.endswith(":file"):
            problems.append(f"{name!r} is a file input: the browser gate cannot type a file")
        elif kind.endswith(":date") and _iso_date(value):
            field.first.fill(_iso_date(value).isoformat())
        else:
            field.first.fill(value)
    button = page.locator("[data-gate-submit]")
    try:
        with page.expect_navigation(wait_until="load", timeout=TIMEOUT_MS):
            button.click()
    except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError
        problems.append(f"clicking {submit!r} without JavaScript does not submit the form ({type(exc).__name__})")
    return problems
