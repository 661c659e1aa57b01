"""The participation pages, declared for the every-page gates (see docs/gates.md).

:func:`participation_pages` is meant to be added to the core's ``sample_pages`` list. The
agents' pages need a subject from a plugin: :func:`sample_subject` registers, once per
process, a tiny sample subject type (``participation_samples:petition:<component id>``) backed
by a core ``Component`` of the fixtures' space.
"""

from __future__ import annotations

import types

from django.urls import reverse

from core.plugins import (
    AGENT,
    AGENTS,
    FormSample,
    ParticipationSubjectType,
    SamplePage,
    SubjectInfo,
    hookimpl,
)

SAMPLE_PLUGIN = "participation_samples"


def _resolve(object_id: str) -> SubjectInfo | None:
    from core.models import Component

    component = Component.objects.select_related("phase__space").filter(
        pk=int(object_id) if object_id.isdigit() else 0, component_type=f"{SAMPLE_PLUGIN}.petition"
    ).first()
    if component is None:
        return None
    return SubjectInfo(f"{SAMPLE_PLUGIN}:petition:{component.pk}", component.title,
                       component.phase.space, component.phase.space.get_absolute_url(),
                       component.phase.is_current)


def _register_sample_type() -> None:
    from core.plugin_host import get_manager

    manager = get_manager()
    if manager.get_plugin(SAMPLE_PLUGIN) is not None:
        return
    module = types.ModuleType(SAMPLE_PLUGIN)

    @hookimpl
    def participation_subject_types():
        return [ParticipationSubjectType(key="petition", label="Pétition d'exemple",
                                         log_type="petition", resolve=_resolve)]

    module.participation_subject_types = participation_subject_types
    manager.register(module, name=SAMPLE_PLUGIN)


def sample_subject(fx) -> str:
    """A petition subject in the fixtures' space (kept in ``fx.objects["subject"]``)."""
    from core.models import Component

    _register_sample_type()
    if "subject" not in fx.objects:
        component = Component.objects.create(
            phase=fx.space.phases.first(), component_type=f"{SAMPLE_PLUGIN}.petition",
            title="Pour des bancs place de l'église",
        )
        fx.objects["subject"] = f"{SAMPLE_PLUGIN}:petition:{component.pk}"
    return fx.objects["subject"]


def _signatures(fx, n: int) -> None:
    """``n`` more signatures in the sample subject's ledger, appended, with a signed head."""
    from core.participation.identity import person_key_from_email
    from core.participation.services import flush_pending, participate, publish_head

    key = sample_subject(fx)
    start = fx.objects.get("signatures", 0)
    for i in range(start, start + n):
        participate(subject_key=key, person_key=person_key_from_email(f"s{i}@example.org"),
                    channel="web", append=False)
    fx.objects["signatures"] = start + n
    flush_pending(key)
    publish_head(key)


def _signed(fx) -> None:
    _signatures(fx, 2)


def participation_pages() -> list[SamplePage]:
    sheet = FormSample(
        data=lambda fx: {"email": "habitante@example.org", "family_name": "Durand",
                         "sheet_reference": "F-001"},
        role=AGENT, fields=("family_name", "sheet_reference"), submit="Enregistrer la feuille",
        success_status=200, done=lambda fx, html: "Feuille « F-001 » enregistrée." in html,
    )
    return [
        SamplePage(name="participation:paper_entry", setup=sample_subject,
                   url=lambda fx: reverse("participation:paper_entry", args=[fx.objects["subject"]]),
                   get=AGENTS, post=AGENTS, form=sheet, label="Saisie des feuilles papier"),
        SamplePage(name="participation:paper_import", setup=sample_subject,
                   url=lambda fx: reverse("participation:paper_import", args=[fx.objects["subject"]]),
                   get=AGENTS, post=AGENTS, label="Import CSV des feuilles papier"),
        SamplePage(name="participation:printable", setup=sample_subject,
                   url=lambda fx: reverse("participation:printable", args=[fx.objects["subject"]]),
                   label="Formulaire papier"),
        SamplePage(name="participation:ledger", setup=_signed, list_of=_signatures,
                   url=lambda fx: reverse("participation:ledger", args=[fx.objects["subject"]]),
                   label="Registre public"),
        SamplePage(name="participation:export", setup=_signed, audit=False,
                   url=lambda fx: reverse("participation:export", args=[fx.objects["subject"]]),
                   label="Export public du registre"),
        SamplePage(name="participation:receipt", url=lambda fx: reverse("participation:receipt"),
                   label="Vérifier mon reçu"),
        SamplePage(name="participation:keys", url=lambda fx: reverse("participation:keys"),
                   label="Clés publiques des registres"),
    ]
