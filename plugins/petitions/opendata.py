"""The petitions' open data: the public petitions of a space, and where signatures come from.

Registered from :mod:`plugins.petitions.hooks` (``open_data_sets``); see docs/opendata.md.
Signers are never named: the petitions dataset gives counts per channel (shown on each
petition's page already), the postcode dataset gives counts of online signatures per postcode,
protected by small-cell suppression.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import CharField, Count, Max, Min, Value
from django.db.models.functions import Cast, Concat, Upper
from django.utils.translation import gettext_lazy as _

from core.plugins import SCOPE_COMPONENT, OpenDataAggregate, OpenDataColumn, OpenDataSet

__all__ = ["open_data_sets", "public_subjects"]

BOX = "petitions.petition_box"


def _public(**filters: Any):
    from plugins.petitions.models import Petition

    return Petition.objects.public().filter(**filters)


def public_subjects(space):
    """The public petitions of ``space`` as subjects (``ParticipationSubjectType.public_subjects``)."""
    return (
        _public(component__phase__space=space)
        .annotate(key=Concat(Value("petitions:petition:"), Cast("pk", CharField()), output_field=CharField()))
        .order_by("pk").values("key", "title")
    )


def _petition_rows(space) -> Iterator[dict[str, Any]]:
    petitions = (
        _public(component__phase__space=space)
        .annotate(answered_at=Min("contribution__answers__published_at"))
        .select_related("contribution", "component__petition_settings")
        .order_by("opened_at", "pk")
    )
    for petition in petitions:
        rules = getattr(petition.component, "petition_settings", None)
        yield {
            "id": petition.pk, "title": petition.title, "category": petition.category,
            "territory": petition.territory, "status": petition.status,
            "launched_by_organisation": petition.on_behalf_of_organisation,
            "opened_at": petition.opened_at, "closes_at": petition.closes_at,
            "signatures_web": petition.count_web, "signatures_paper": petition.count_paper,
            "signatures_partner": petition.count_partner, "signatures_total": petition.signature_count,
            "counted_at": petition.counted_at,
            "answer_threshold": rules.answer_threshold or None if rules else None,
            "debate_threshold": rules.debate_threshold or None if rules else None,
            "answer_threshold_reached_at": petition.answer_threshold_reached_at,
            "debate_threshold_reached_at": petition.debate_threshold_reached_at,
            "answered_at": petition.answered_at,
            "rejection_reason": petition.rejection_reason,
        }


def _petition_dates(spaces) -> dict[int, Any]:
    rows = (
        _public(component__phase__space__in=spaces).order_by()
        .values_list("component__phase__space_id")
        .annotate(counted=Max("counted_at"), changed=Max("contribution__updated_at"))
    )
    return {space_id: max(d for d in (counted, changed) if d) for space_id, counted, changed in rows
            if counted or changed}


def _postcode_rows(box) -> Iterator[dict[str, Any]]:
    """Counted online signatures per petition and postcode, ordered by petition (the group)."""
    from plugins.petitions.models import PetitionSettings, Signature

    if not PetitionSettings.objects.filter(component=box, collect_postcode=True).exists():
        return
    rows = (
        Signature.objects.counted().filter(petition__in=_public(component=box))
        .annotate(code=Upper("postcode"))
        .values_list("petition_id", "petition__title", "code")
        .annotate(n=Count("pk"))
        .order_by("petition_id", "code")
    )
    for petition_id, title, code, n in rows.iterator():
        yield {"petition": petition_id, "petition_title": title, "postcode": code or None, "signatures": n}


def _postcode_dates(boxes) -> dict[int, Any]:
    rows = (
        _public(component__in=boxes).order_by().values_list("component_id").annotate(latest=Max("counted_at"))
    )
    return {component_id: latest for component_id, latest in rows if latest}


def open_data_sets() -> list[OpenDataSet]:
    return [
        OpenDataSet(
            key="petitions",
            title=_("Pétitions"),
            description=_("Les pétitions publiques de l'espace : statut, dates, signatures par canal, "
                          "seuils et date de la réponse. Ni l'auteur ni les signataires n'y figurent."),
            columns=(
                OpenDataColumn("id", "integer", _("Numéro de la pétition")),
                OpenDataColumn("title", "string", _("Titre")),
                OpenDataColumn("category", "string", _("Thème")),
                OpenDataColumn("territory", "string", _("Territoire")),
                OpenDataColumn("status", "string", _("Statut : awaiting_sponsors, under_moderation, open, closed, answered, debated ou rejected")),
                OpenDataColumn("launched_by_organisation", "boolean", _("Lancée par l'organisation elle-même")),
                OpenDataColumn("opened_at", "datetime", _("Ouverture à la signature")),
                OpenDataColumn("closes_at", "datetime", _("Date limite de signature")),
                OpenDataColumn("signatures_web", "integer", _("Signatures en ligne")),
                OpenDataColumn("signatures_paper", "integer", _("Signatures sur papier")),
                OpenDataColumn("signatures_partner", "integer", _("Signatures recueillies par un partenaire")),
                OpenDataColumn("signatures_total", "integer", _("Total des signatures")),
                OpenDataColumn("counted_at", "datetime", _("Date du dernier comptage")),
                OpenDataColumn("answer_threshold", "integer", _("Seuil de réponse obligatoire (vide : aucun)")),
                OpenDataColumn("debate_threshold", "integer", _("Seuil de débat en conseil (vide : aucun)")),
                OpenDataColumn("answer_threshold_reached_at", "datetime", _("Date où le seuil de réponse a été atteint")),
                OpenDataColumn("debate_threshold_reached_at", "datetime", _("Date où le seuil de débat a été atteint")),
                OpenDataColumn("answered_at", "datetime", _("Date de la première réponse officielle")),
                OpenDataColumn("rejection_reason", "string", _("Motif public du refus")),
            ),
            rows=_petition_rows,
            last_modified=_petition_dates,
        ),
        OpenDataSet(
            key="signatures-by-postcode",
            title=_("Signatures en ligne par code postal"),
            description=_("Pour chaque pétition publique d'un espace de pétitions qui demande le code postal, "
                          "le nombre de signatures en ligne valides par code postal. Les effectifs trop "
                          "petits sont masqués (secret statistique)."),
            columns=(
                OpenDataColumn("petition", "integer", _("Numéro de la pétition")),
                OpenDataColumn("petition_title", "string", _("Titre de la pétition")),
                OpenDataColumn("postcode", "string", _("Code postal déclaré (vide : non renseigné)")),
                OpenDataColumn("signatures", "integer", _("Signatures en ligne valides (vide : masqué)")),
            ),
            rows=_postcode_rows,
            scope=SCOPE_COMPONENT,
            component_type=BOX,
            aggregate=OpenDataAggregate(counts=("signatures",), group_by=("petition",)),
            last_modified=_postcode_dates,
        ),
    ]
