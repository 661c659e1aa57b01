"""Every extension point of the Parvis core, in one place.

A plugin implements some of these in its hook module (the value of its ``parvis.plugins`` entry
point) with :data:`core.plugins.hookimpl`. Unknown hook names and unknown arguments are refused
when the instance starts. Each hook is documented with an example in ``docs/hooks.md``.

Hooks marked *per plugin* are called by the core once for each plugin enabled for the current
organisation, so the core knows which plugin answered (to mount URLs under ``/<slug>/``, to
skip disabled plugins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.urls import URLPattern, URLResolver

    from core.plugins import (
        ApiRouter,
        ComponentType,
        ContributionKind,
        DemoContext,
        NavigationItem,
        NotificationKind,
        OpenDataSet,
        ParticipationSubjectType,
        PeriodicTask,
        PersonalData,
        RetentionRule,
        SamplePage,
        SearchDocumentData,
        VerificationMethod,
    )

hookspec = pluggy.HookspecMarker("parvis")


@hookspec
def urlpatterns() -> list[URLPattern | URLResolver]:
    """*Per plugin.* URL patterns of the plugin, mounted under ``/<slug>/``.

    They are included in the URL namespace ``<slug>``: ``reverse("<slug>:<name>")``. When the
    plugin is disabled for the organisation of the request, these URLs answer 404.
    """


@hookspec
def navigation_items(request: HttpRequest) -> list[NavigationItem]:
    """*Per plugin.* Links the plugin adds to the main navigation of public pages."""


@hookspec
def template_slot(slot: str, request: HttpRequest, context: dict[str, Any]) -> str | None:
    """*Per plugin.* HTML to insert in a named slot of a core page, or ``None``.

    Core slots: ``"home_after_spaces"`` (organisation home), ``"space_after_phases"`` (space
    page, ``context["space"]``), ``"footer"`` (every page), ``"map"`` (any page that has places
    to show, ``context["map"]`` a :class:`~core.plugins.MapLayer`; the mapping plugin draws
    it). Return trusted HTML only (render a template; never concatenate user input).
    """


@hookspec
def component_types() -> list[ComponentType]:
    """*Per plugin.* The participation components the plugin offers to place in phases."""


@hookspec
def periodic_tasks() -> list[PeriodicTask]:
    """*Per plugin.* Tasks the scheduler runs periodically (counters, reminders, retention)."""


@hookspec
def demo_data(demo: DemoContext) -> None:
    """*Per plugin.* Create the plugin's demo content for ``parvis demo``.

    Called once on an empty demo database, inside a transaction; must be idempotent-safe
    (create, do not assume rows exist).
    """


@hookspec
def contribution_kinds() -> list[ContributionKind]:
    """*Per plugin.* The kinds of contribution the plugin registers with the shared services.

    Each contribution (a petition, a proposal, a map point...) is registered through
    :func:`core.contributions.services.register_contribution`; its kind decides its public
    status workflow, whether it can be commented on and followed.
    """


@hookspec
def notification_kinds() -> list[NotificationKind]:
    """*Per plugin.* The kinds of notification the plugin sends through
    :func:`core.notifications.services.notify`."""


@hookspec
def search_documents(organisation_ids: list[int] | None) -> list[SearchDocumentData]:
    """*Per plugin.* Public content that is not a registered contribution, for the search.

    Called by ``parvis search_reindex`` (``organisation_ids`` is ``None``: everything).
    Contributions registered with the shared services are indexed by the core already.
    """


@hookspec
def sample_pages() -> list[SamplePage]:
    """*Per plugin.* Every page and form of the plugin, with what it needs, for the gates.

    Each named URL pattern of the plugin is declared at least once as a
    :class:`~core.plugins.SamplePage` (URL, roles and expected statuses, forms, how to create
    N listed items). The every-page gates (``tests/gates/``, see ``docs/gates.md``) visit them
    all: permissions matrix, query budgets, hostile input, accessibility in a real browser. A
    URL pattern without a declaration fails the gates. Called with no organisation: declare
    every page, whether or not an organisation enabled the plugin.
    """


@hookspec
def verification_methods() -> list[VerificationMethod]:
    """*Per plugin.* The ways people can prove who they are, where they live, their age or a
    membership, as :class:`~core.plugins.VerificationMethod`.

    Methods are instance-wide. A plugin's method is stored as ``"<slug>.<key>"``; the plugin
    records a successful verification with :func:`core.identity.services.record_verification`.
    :func:`core.identity.services.check_eligibility` offers a method's ``start_url`` to people
    who lack what it proves. The core declares ``email``, ``census``, ``in_person``, ``postal``
    and one ``oidc:<provider>`` per configured OpenID Connect provider.
    """


@hookspec
def participation_subject_types() -> list[ParticipationSubjectType]:
    """*Per plugin.* The kinds of vote or petition the plugin records through the shared
    participation services (:mod:`core.participation.services`).

    A subject is named ``"<plugin slug>:<type key>:<object id>"`` (for example
    ``"petitions:petition:42"``); that key is also the id of its verifiable ledger. The core
    keeps one participation record per person and subject whatever the channel (web, paper,
    assisted, partner), the agents' paper entry and CSV import, the printable form and the
    public ledger pages.
    """


@hookspec
def ledger_head_published(subject_key: str, head: dict[str, Any]) -> None:
    """A signed tree head of the ledger of ``subject_key`` was just stored.

    ``head`` is the published head (``{"at", "key_id", "log", "root", "signature", "size"}``,
    see ``docs/ledger.md``). Called inside the transaction that stores the head: write rows
    (for example an outbox activity), do no network I/O. Federation publishes heads this way.
    """


@hookspec
def personal_data() -> list[PersonalData]:
    """*Per plugin.* What the plugin keeps about people, as :class:`~core.plugins.PersonalData`.

    Every concrete model with a foreign key (or one-to-one) to the user model must be claimed
    by exactly one section (system check ``parvis.E010``). :func:`core.privacy.export_user_data`
    gathers every section's ``export(user)`` under the plugin's slug;
    :func:`core.privacy.erase_user` calls every section's ``erase(user)`` in one transaction,
    then deletes the account. Public content stays with no author; participation records stay
    (the one-person-one-signature guarantee) but lose their link to the account.
    """


@hookspec
def api_routers() -> list[ApiRouter]:
    """*Per plugin.* The plugin's endpoints in the public REST API (``/api/v1/``), as
    :class:`~core.plugins.ApiRouter` (a django-ninja ``Router``, its prefix, tags and scopes).

    Called once when the URLs are built, for every loaded plugin; the endpoints of a plugin
    disabled for the organisation of the request answer 404. Expose public objects only, of
    the request's organisation (see ``docs/api.md``).
    """


@hookspec
def retention_rules() -> list[RetentionRule]:
    """*Per plugin.* How long the plugin keeps each kind of personal data, as
    :class:`~core.plugins.RetentionRule` (default delay, bounds, and the ``apply`` function
    that purges or anonymises).

    The periodic task ``retention.apply_rules`` (and ``parvis retention``) calls every rule
    of every plugin for every organisation, with the delay that organisation chose (or the
    rule's default); the privacy notice and the processing register of each organisation state
    the delays in force. Called for every loaded plugin, enabled or not: data is purged
    wherever it is.
    """


@hookspec
def open_data_sets() -> list[OpenDataSet]:
    """*Per plugin.* The public datasets the plugin publishes for each public space, as
    :class:`~core.plugins.OpenDataSet` (see ``docs/opendata.md``).

    The core lists them in each organisation's data catalogue (``/open-data/<organisation>/``)
    and serves them as CSV, JSON and, for located data, GeoJSON, under the organisation's
    licence. Rows carry no direct identifier; the counts declared in ``aggregate`` are
    protected by small-cell suppression. A disabled plugin's datasets are not published.
    """
