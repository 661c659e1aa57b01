"""The public API a plugin imports: ``from core.plugins import hookimpl, PluginInfo, ...``.

Everything a plugin needs to declare itself and to answer the core's hooks lives here. The rest
of ``core`` is internal and may change between minor versions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pluggy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "hookimpl",
    "PluginInfo",
    "NavigationItem",
    "ComponentType",
    "PeriodicTask",
    "DemoContext",
    "ContributionKind",
    "Workflow",
    "WorkflowState",
    "NotificationKind",
    "SearchDocumentData",
    "MapPlace",
    "PostcodePlace",
    "MapLayer",
]

#: Decorator marking a function of a plugin's ``hooks`` module as a hook implementation.
hookimpl = pluggy.HookimplMarker("parvis")


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin says about itself. Every hook module defines ``plugin = PluginInfo(...)``.

    ``core_compatibility`` is a PEP 440 version specifier (for example ``">=0.1,<0.2"``) that the
    running Parvis version must satisfy; an incompatible plugin is not loaded and the system
    check ``parvis.E003`` names it.
    """

    name: str
    version: str
    description: str
    licence: str
    homepage: str = ""
    core_compatibility: str = ""


@dataclass(frozen=True)
class MapPlace:
    """A point a page wants on its map: WGS 84 ``latitude`` and ``longitude`` in degrees, a
    ``label`` (the name shown), an optional ``url`` (its page) and ``detail`` (one short line:
    a cost, a count). ``weight`` counts what the place stands for (signatures, votes); 1 by
    default."""

    latitude: float
    longitude: float
    label: str
    url: str = ""
    detail: str = ""
    weight: int = 1


@dataclass(frozen=True)
class PostcodePlace:
    """A place a page knows only by its ``postcode`` (signatures by place of residence, for
    instance): the mapping plugin puts it where the operator's table of postcode positions says
    (``parvis load_postcode_positions``), named after the communes it covers unless ``label``
    is given, and leaves out a postcode the table does not know."""

    postcode: str
    weight: int = 1
    detail: str = ""
    label: str = ""
    url: str = ""


@dataclass(frozen=True)
class MapLayer:
    """What a page hands to the ``"map"`` template slot in ``context["map"]``: a ``title``
    (said to screen readers and shown above the list of places) and its ``places``, or a
    function returning them, called only when the map is drawn (no query for a map that no
    enabled plugin draws). The mapping plugin, when enabled, draws them; otherwise the slot is
    empty and the page shows what it shows without a map."""

    title: str
    places: tuple[MapPlace | PostcodePlace, ...] | Callable[[], Iterable[MapPlace | PostcodePlace]]

    def all_places(self) -> list[MapPlace | PostcodePlace]:
        """The places, computed now if they were given as a function."""
        return list(self.places() if callable(self.places) else self.places)


@dataclass(frozen=True)
class NavigationItem:
    """A link in the main navigation. ``label`` is translated when rendered if lazy."""

    label: Any
    url: str
    order: int = 100


@dataclass(frozen=True)
class ComponentType:
    """A participation component a plugin offers to place in a phase of a space.

    ``key`` is unique within the plugin; the full type is ``"<plugin slug>.<key>"``.
    ``view_name`` names a URL pattern of the plugin (within its namespace) that takes a
    ``component_id`` keyword argument and shows the component to the public.
    ``on_placed``, if given, is called with the :class:`core.models.Component` once it is placed
    in a phase (in the back-office or by :func:`core.components.place_component`) to create
    what the component needs (a participatory budget's record), so that it is listed at once.
    It is called again when an agent edits the component: it must be idempotent.
    """

    key: str
    label: Any
    description: Any = ""
    view_name: str = ""
    on_placed: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class PeriodicTask:
    """A task run by the scheduler (Celery beat) every ``every``.

    ``task`` is the registered Celery task name; ``name`` must be unique instance-wide.
    """

    name: str
    task: str
    every: timedelta
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoContext:
    """What ``parvis demo`` hands to each plugin's ``demo_data`` hook.

    ``commune`` and ``association`` are :class:`core.models.Organisation` instances; ``spaces``
    maps a short key (``"commune"``, ``"association"``) to the demo :class:`core.models.Space`
    of that organisation, whose first phase is open now.
    """

    commune: Any
    association: Any
    spaces: dict[str, Any]
    admin: Any
    request: HttpRequest | None = None


@dataclass(frozen=True)
class WorkflowState:
    """A public status a contribution can have (``key`` is stored, ``label`` shown)."""

    key: str
    label: Any
    final: bool = False


@dataclass(frozen=True)
class Workflow:
    """The statuses of a kind of contribution and the moves allowed between them.

    ``transitions`` maps a status key to the keys it may move to. ``roles`` are the
    organisation roles allowed to change the status (``core.models.Role`` values).
    """

    states: tuple[WorkflowState, ...]
    initial: str
    transitions: dict[str, tuple[str, ...]]
    roles: tuple[str, ...] = ("admin", "agent", "official")

    def state(self, key: str) -> WorkflowState | None:
        return next((s for s in self.states if s.key == key), None)

    def allows(self, current: str, new: str) -> bool:
        return new in self.transitions.get(current, ())


#: The default workflow: received → under review → accepted/rejected → implemented.
DEFAULT_WORKFLOW = Workflow(
    states=(
        WorkflowState("received", _("reçue")),
        WorkflowState("under_review", _("à l'étude")),
        WorkflowState("accepted", _("retenue")),
        WorkflowState("rejected", _("non retenue"), final=True),
        WorkflowState("implemented", _("réalisée"), final=True),
    ),
    initial="received",
    transitions={
        "received": ("under_review", "accepted", "rejected"),
        "under_review": ("accepted", "rejected"),
        "accepted": ("implemented", "under_review"),
    },
)


@dataclass(frozen=True)
class ContributionKind:
    """A kind of contribution a plugin registers with the shared services.

    ``key`` is unique within the plugin; contributions are stored with the plugin slug and
    this key. ``commentable`` turns on comments; ``followable`` lets people follow it.
    """

    key: str
    label: Any
    workflow: Workflow = DEFAULT_WORKFLOW
    commentable: bool = True
    followable: bool = True


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification people receive in the app and by e-mail.

    ``key`` is unique within the plugin (stored as ``"<slug>.<key>"``).
    """

    key: str
    label: Any
    description: Any = ""


@dataclass(frozen=True)
class SearchDocumentData:
    """A public document a plugin offers to the instance's search (see ``search_documents``)."""

    key: str
    title: str
    body: str
    url: str
    space_id: int | None = None
    status: str = ""


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


# --- Sample pages: what the every-page gates visit (see docs/gates.md) ----------------------
# These are used by the ``sample_pages`` hook. A fixtures object (the gates' harness,
# ``tests/gates/harness.py``) is handed to every callable below; it holds ``organisation``
# (the "own" organisation), ``other_organisation``, ``space`` (an open space of
# ``organisation``), ``users`` (one account per role of :data:`ROLES`, ``None`` for
# anonymous), ``password`` (theirs) and ``objects`` (a dict where ``setup`` keeps what it made).

#: The roles of the permissions matrix, in the order the gates try them.
ANONYMOUS = "anonymous"
PARTICIPANT = "participant"
OTHER_PARTICIPANT = "other_participant"
MODERATOR = "moderator"
AGENT = "agent"
OFFICIAL = "official"
FOREIGN_ADMIN = "foreign_admin"  # administrator of another organisation
ADMIN = "admin"  # administrator of the page's own organisation
ROLES = (ANONYMOUS, PARTICIPANT, OTHER_PARTICIPANT, MODERATOR, AGENT, OFFICIAL, FOREIGN_ADMIN, ADMIN)


def statuses(default: int = 200, **per_role: int) -> dict[str, int]:
    """The expected HTTP status for every role: ``statuses(403, anonymous=302, admin=200)``."""
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
    return {role: per_role.get(role, default) for role in ROLES}


# The expectations most pages share (declare others with statuses()).
#: Signed-in people; anonymous visitors are sent to the login page.
SIGNED_IN = statuses(200, anonymous=302)
#: Moderators and administrators of the page's organisation.
MODERATORS = statuses(403, anonymous=302, moderator=200, admin=200)
#: Agents and administrators of the page's organisation.
AGENTS = statuses(403, anonymous=302, agent=200, admin=200)
#: Actions taken by POST only (``require_POST`` answers a GET before any sign-in check).
POST_ONLY = statuses(405)


@dataclass(frozen=True)
class FormSample:
    """A form of a sample page: a valid submission and what the gates do with it.

    ``data(fixtures)`` returns a valid POST (field name → value) that ``role`` submits; the
    response must have ``success_status``. ``fields`` are the fields a person types into
    (default: every key of ``data``): the hostile-input gate puts its corpus in each.
    ``submit`` is the visible text of the form's submit button and ``done(fixtures, html)``
    tells whether the submission took effect (``html`` is the page it led to): the browser
    gate completes the form with the keyboard only, then with JavaScript disabled.
    ``shown_on(fixtures)`` is the URL of the page that shows the form when it is not the
    page's own URL (the language switch in the header posts to ``/i18n/setlang/``).
    Forms that share a ``journey`` name are completed in ``step`` order in one browser session
    started as the ``role`` of the first step.
    """

    data: Callable[[Any], dict[str, str]]
    role: str = PARTICIPANT
    fields: tuple[str, ...] = ()
    submit: str = ""
    done: Callable[[Any, str], bool] | None = None
    success_status: int = 302
    shown_on: Callable[[Any], str] | None = None
    journey: str = ""
    step: int = 0

    def typed_fields(self, fixtures: Any) -> tuple[str, ...]:
        return self.fields or tuple(self.data(fixtures))


@dataclass(frozen=True)
class SamplePage:
    """One page (or action endpoint) of a plugin, as the every-page gates visit it.

    ``name`` is the URL pattern's name with its namespace (``"suggestions:index"``); every
    named URL pattern of a plugin must be declared at least once, or the gates fail.
    ``url(fixtures)`` returns a URL of that pattern, after ``setup(fixtures)`` created what
    the page needs. ``get`` and ``post`` map each role of :data:`ROLES` to the expected status
    (build them with :func:`statuses`; missing roles expect 200 for GET). ``post`` is
    ``None`` for a page without a form: a POST must then answer like the GET, or 405.
    ``list_of(fixtures, n)`` creates ``n`` more items shown by the page, for the query-budget
    gate (10 then 1,000 items must cost the same number of queries). ``form`` describes the
    page's form; ``redirect_params`` the parameters that carry a redirect target
    (``("next",)``), tried with open-redirect payloads. ``audit`` is ``False`` for endpoints
    that are not pages (the browser gate skips them); ``audit_as`` picks the role the page is
    audited as (default: the first role of :data:`ROLES` that gets a 200). ``variant`` tells
    apart several declarations of the same pattern.
    """

    name: str
    url: Callable[[Any], str]
    setup: Callable[[Any], Any] | None = None
    get: Mapping[str, int] = field(default_factory=dict)
    post: Mapping[str, int] | None = None
    list_of: Callable[[Any, int], Any] | None = None
    form: FormSample | None = None
    redirect_params: tuple[str, ...] = ()
    audit: bool = True
    audit_as: str | None = None
    variant: str = ""
    label: Any = ""

    def __post_init__(self) -> None:
        for mapping in (self.get, self.post or {}):
            unknown = set(mapping) - set(ROLES)
            if unknown:
                raise ValueError(f"{self.name}: unknown roles {sorted(unknown)}")

    @property
    def id(self) -> str:
        """A readable identifier: the pattern name, plus the variant if any."""
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def expected(self, method: str, role: str) -> int | None:
        """The expected status of ``method`` for ``role`` (``None``: POST on a page without
        a form, which must answer like the GET or 405)."""
        if method == "GET":
            return self.get.get(role, 200)
        if self.post is None:
            return None
        return self.post.get(role, 200)

    def auditor(self) -> str:
        """The role the browser gate audits the page as."""
        if self.audit_as:
            return self.audit_as
        return next((role for role in ROLES if self.expected("GET", role) == 200), ANONYMOUS)


__all__ += [
    "ROLES",
    "ANONYMOUS",
    "PARTICIPANT",
    "OTHER_PARTICIPANT",
    "MODERATOR",
    "AGENT",
    "OFFICIAL",
    "FOREIGN_ADMIN",
    "ADMIN",
    "statuses",
    "SIGNED_IN",
    "MODERATORS",
    "AGENTS",
    "POST_ONLY",
    "FormSample",
    "SamplePage",
]


# --- Identity: verification methods and eligibility (see docs/identity.md) -------------------

if TYPE_CHECKING:
    from datetime import date, datetime

#: What a verification can prove (``VerificationMethod.proves``, ``MissingProof.proof``).
PROOF_IDENTITY = "identity"
PROOF_RESIDENCE = "residence"
PROOF_AGE = "age"
PROOF_MEMBERSHIP = "membership"
PROOF_EMAIL = "email"


@dataclass(frozen=True)
class VerificationMethod:
    """A way for a person to prove something about themselves (``verification_methods`` hook).

    ``key`` is unique within the plugin; the stored method is ``"<plugin slug>.<key>"`` (the
    core's built-in methods keep their bare key: ``email``, ``census``, ``in_person``,
    ``postal``, ``oidc:<provider>``). ``proves`` holds some of ``"identity"``, ``"residence"``,
    ``"age"``, ``"membership"``, ``"email"``; ``identity_level`` is the level of assurance a
    verification by this method gives (0 none, 1 e-mail confirmed, 2 matched on a list or by
    mail, 3 checked by a person or an identity provider). ``validity`` is how long a
    verification lasts (``None``: until revoked). ``start_url`` is where a person starts: a
    URL, a callable taking the organisation concerned (or ``None``) and returning a URL or
    ``None`` (not offered there), or ``None`` (only agents can verify).
    """

    key: str
    label: Any
    proves: frozenset[str]
    validity: timedelta | None = None
    start_url: str | Callable[[Any], str | None] | None = None
    description: Any = ""
    identity_level: int = 0


@dataclass(frozen=True)
class Attributes:
    """Facts about a person, proved or checked, that eligibility rules look at.

    Built from a user's verifications by :func:`core.identity.services.attributes_of`, or given
    directly for people without an account (paper entry by an agent who saw a document,
    federation). ``areas`` are communes, districts or postcodes the person resides in (any
    spelling: they are compared normalised); ``memberships`` are organisation ids.
    """

    birth_date: date | None = None
    areas: frozenset[str] = frozenset()
    memberships: frozenset[int] = frozenset()
    identity_level: int = 0

    def __post_init__(self) -> None:
        # Accept any iterable (or one string) for convenience; keep the dataclass hashable.
        areas = (self.areas,) if isinstance(self.areas, str) else self.areas
        object.__setattr__(self, "areas", frozenset(a for a in areas if a))
        object.__setattr__(self, "memberships", frozenset(self.memberships))


@dataclass(frozen=True)
class MissingProof:
    """One condition a person does not meet. ``proven`` is ``False`` when they have not proved
    anything of that kind yet (verifying may help), ``True`` when what they proved does not fit
    (another district, too young)."""

    proof: str
    message: str
    proven: bool = False


@dataclass(frozen=True)
class Eligibility:
    """The answer of :func:`core.identity.services.check_eligibility`.

    ``message`` is a clear sentence for the person (in the active language, French by
    default); ``how_to_verify`` lists ``(label, url)`` of the ways to prove what is missing.
    """

    ok: bool
    missing: list[MissingProof] = field(default_factory=list)
    message: str = ""
    how_to_verify: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.ok


__all__ += [
    "PROOF_IDENTITY",
    "PROOF_RESIDENCE",
    "PROOF_AGE",
    "PROOF_MEMBERSHIP",
    "PROOF_EMAIL",
    "VerificationMethod",
    "Attributes",
    "MissingProof",
    "Eligibility",
]


# --- Participation subjects: votes and petitions with one record per person (émargement) ------

#: ``ParticipationSubjectType.person_fields`` of a subject whose people are told apart by their
#: e-mail address (petitions).
PERSON_BY_EMAIL = ("email",)
#: ... or by their civil identity (votes): family name, given names and birth date. Add
#: ``"postcode"`` to make the postcode part of the identity (it is then always required).
PERSON_BY_IDENTITY = ("family_name", "given_names", "birth_date")


@dataclass(frozen=True)
class SubjectInfo:
    """What the core needs to know about one vote or petition (see ``participation_subject_types``).

    ``key`` is the full subject key ``"<plugin slug>:<type key>:<object id>"`` (also the id of
    its ledger). ``url`` is the subject's public page (a path or an absolute URL).
    ``organisations`` are the organisations whose agents may enter paper sheets; empty means
    the organisations of ``space``. ``target`` is the Component (or Space) whose eligibility
    rules (:func:`core.identity.services.check_eligibility`) apply to the subject;
    :func:`core.participation.services.participate` enforces them on every channel. ``None``:
    no eligibility check. ``closed_at`` is when the subject closed (``None`` while open, or
    when unknown): the retention rule ``core.participation_account_links`` counts from it.
    """

    key: str
    title: str
    space: Any
    url: str
    is_open: bool
    organisations: tuple[Any, ...] = ()
    target: Any = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class ParticipationSubjectType:
    """A kind of vote or petition a plugin offers to the shared participation services.

    ``log_type`` is ``"petition"`` or ``"vote"`` (the counting rules of :mod:`core.ledger`).
    ``resolve(object_id)`` returns the :class:`SubjectInfo` of one subject, or ``None``.
    ``person_fields`` are the identity fields that tell people apart and are required on paper
    (:data:`PERSON_BY_EMAIL` or :data:`PERSON_BY_IDENTITY`). ``paper_form`` is a Django form
    class with the plugin's fields of one paper sheet (the choices of a ballot); its cleaned
    data, with the ``subject_key`` added, goes to ``choice_from_paper(cleaned_data)`` (which
    raises ``ValueError`` with a message for the agent to refuse the sheet) (the ledger choice: ``None`` for a
    petition, a list of item ids or a dict of item ids to points for a vote) and to
    ``on_paper_entry(subject_key, record, cleaned_data)``, called in the same transaction as the
    participation record so that the plugin can store its own row (a signature, a ballot).
    ``public_subjects(space)`` returns the public subjects of a space as a values queryset
    with ``"key"`` (the full subject key) and ``"title"``, for the open data
    (``docs/opendata.md``); ``None``: the type's counts are not published there.
    """

    key: str
    label: Any
    log_type: str
    resolve: Callable[[str], SubjectInfo | None]
    person_fields: tuple[str, ...] = PERSON_BY_EMAIL
    paper_form: type | None = None
    choice_from_paper: Callable[[dict[str, Any]], Any] | None = None
    on_paper_entry: Callable[[str, Any, dict[str, Any]], None] | None = None
    public_subjects: Callable[[Any], Any] | None = None


__all__ += [
    "PERSON_BY_EMAIL",
    "PERSON_BY_IDENTITY",
    "SubjectInfo",
    "ParticipationSubjectType",
]


@dataclass(frozen=True)
class PersonalData:
    """What one app keeps about a person, and how to hand it over or forget it.

    ``key`` names the section in the export (unique within the plugin, for example
    ``"petitions"``). ``models`` are the ``"app_label.ModelName"`` labels it answers for: every
    concrete model with a foreign key to the user model must be claimed by one section (system
    check ``parvis.E010``). ``export(user)`` returns JSON-ready data about that person only,
    with English keys. ``erase(user)`` deletes or anonymises it; it runs inside the single
    transaction of :func:`core.privacy.erase_user`, while the account and its e-mail
    addresses still exist (they go last), and must
    keep public content (author set to ``None``) and the participation record (link to the
    account dropped). ``description`` tells the person, in French, what is kept and why.
    """

    key: str
    models: tuple[str, ...]
    export: Callable[[Any], dict[str, Any]]
    erase: Callable[[Any], None]
    description: Any = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", tuple(self.models))


__all__ += ["PersonalData"]


# --- The public REST API (see docs/api.md) ----------------------------------------------------

#: The scope every API token may hold to read what its owner may read (``GET /api/v1/me``).
SCOPE_READ = "read"


@dataclass(frozen=True)
class ApiScope:
    """A permission an API token can carry (``"petitions:sign"``), shown when creating a token."""

    key: str
    label: Any


@dataclass(frozen=True)
class ApiRouter:
    """A django-ninja ``Router`` a plugin mounts in the public API (``api_routers`` hook).

    It is mounted under ``/api/v1/<prefix>/`` (``prefix`` is usually the plugin slug). ``tags``
    group its operations in the OpenAPI document. ``scopes`` are the token scopes its write
    endpoints check with :func:`core.api.auth.require_scope`. When the plugin is disabled for
    the organisation of the request, the router's endpoints answer 404.
    """

    prefix: str
    router: Any
    tags: tuple[str, ...] = ()
    scopes: tuple[ApiScope, ...] = ()


__all__ += ["SCOPE_READ", "ApiScope", "ApiRouter"]


@dataclass(frozen=True)
class RetentionRule:
    """How long one kind of personal data is kept, and how to purge it (``retention_rules``).

    ``key`` is unique within the plugin; the stored key is ``"<plugin slug>.<key>"``.
    ``description`` tells people, in French, what is deleted or anonymised (it appears in the
    privacy notice with the delay in force). ``default`` is the delay when the organisation
    chose none; each organisation's administrators may pick a delay between ``minimum`` and
    ``maximum``. ``apply(organisation, delay, now)`` purges or anonymises what belongs to
    ``organisation`` and is at least ``delay`` old at ``now``, touches nothing else, returns
    how many rows it changed, and must be idempotent (a second run returns 0). ``label`` is a
    short name for forms and tables (defaults to ``description``); ``data`` names the
    categories of data concerned, for the processing register.
    """

    key: str
    description: Any
    default: timedelta
    minimum: timedelta
    maximum: timedelta
    apply: Callable[[Any, timedelta, datetime], int]
    label: Any = ""
    data: Any = ""

    def __post_init__(self) -> None:
        if not self.minimum <= self.default <= self.maximum:
            raise ValueError(f"retention rule {self.key!r}: the default must lie between minimum and maximum")


__all__ += ["RetentionRule"]


# --- Open data: public datasets of each space (see docs/opendata.md) ---------------------------

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

#: ``OpenDataSet.scope``: one file per public space, or one per component of a given type.
SCOPE_SPACE = "space"
SCOPE_COMPONENT = "component"
#: ``OpenDataColumn.type`` values (as in Table Schema, https://specs.frictionlessdata.io/).
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")


@dataclass(frozen=True)
class OpenDataColumn:
    """One column of an open dataset: its key (the CSV header), type and a description."""

    key: str
    type: str = "string"
    description: Any = ""


@dataclass(frozen=True)
class OpenDataAggregate:
    """The count columns of an aggregate dataset that small-cell suppression protects.

    ``counts`` are integer columns counting people; a cell between 1 and k − 1 (k: the
    organisation's minimum cell size) is published empty, and the row's ``suppressed`` column
    says so. ``group_by`` are the columns of rows whose total may be known elsewhere (the
    petition's total): rows must come ordered by them, and within each group the core
    suppresses more cells, or withholds rows, so that the total cannot reveal a hidden cell.
    """

    counts: tuple[str, ...]
    group_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", tuple(self.counts))
        object.__setattr__(self, "group_by", tuple(self.group_by))


@dataclass(frozen=True)
class OpenDataSet:
    """A public dataset (``open_data_sets`` hook), published for every public space.

    ``key`` is unique within the plugin (lowercase letters, digits and ``-``); its public key
    is ``"<plugin slug>.<key>"`` (the core's datasets keep their bare key). ``rows(target)``
    yields one dict per row for a :class:`core.models.Space` (``scope`` :data:`SCOPE_SPACE`)
    or a :class:`core.models.Component` of ``component_type`` (:data:`SCOPE_COMPONENT`); it
    must use a fixed number of queries and never yield a direct identifier (name, e-mail,
    account id): only the keys of ``columns`` are published. ``geometry`` names a row key
    holding a GeoJSON geometry (longitude first, RFC 7946) and offers the GeoJSON format.
    ``aggregate`` declares the counts to protect. ``last_modified(targets)`` returns, in one
    query, ``{target id: datetime}`` for the catalogue (``None``: computed at download).
    """

    key: str
    title: Any
    description: Any
    columns: tuple[OpenDataColumn, ...]
    rows: Callable[[Any], Iterable[dict[str, Any]]]
    scope: str = SCOPE_SPACE
    component_type: str = ""
    geometry: str = ""
    aggregate: OpenDataAggregate | None = None
    last_modified: Callable[[list[Any]], dict[int, datetime]] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))


__all__ += [
    "SCOPE_SPACE",
    "SCOPE_COMPONENT",
    "COLUMN_TYPES",
    "OpenDataColumn",
    "OpenDataAggregate",
    "OpenDataSet",
]
