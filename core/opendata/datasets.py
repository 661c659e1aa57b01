"""The core's own datasets: phases of a space, its public contributions, participation counts.

Registered through the ``open_data_sets`` hook in :mod:`core.hooks`, like any plugin's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from core.plugins import OpenDataColumn, OpenDataSet

__all__ = ["core_datasets"]


def _phase_rows(space) -> Iterator[dict[str, Any]]:
    from core.models import Phase

    for position, phase in enumerate(Phase.objects.filter(space=space).order_by("sort_order", "pk"), start=1):
        yield {
            "space": space.slug, "space_title": space.title, "space_summary": space.summary,
            "phase_position": position, "phase_title": phase.title, "phase_description": phase.description,
            "starts_at": phase.starts_at, "ends_at": phase.ends_at,
        }


def _space_dates(spaces) -> dict[int, Any]:
    return {space.pk: space.created_at for space in spaces}


def _contribution_rows(space) -> Iterator[dict[str, Any]]:
    from core.contributions.models import Contribution

    contributions = (
        Contribution.objects.public().filter(space=space)
        .annotate(answers_count=Count("answers"), last_answer=Max("answers__published_at"))
        .order_by("created_at", "pk")
        .values("pk", "plugin", "kind", "title", "summary", "status", "created_at", "updated_at",
                "answers_count", "last_answer")
    )
    for row in contributions.iterator():
        yield {
            "id": row["pk"], "module": row["plugin"], "kind": row["kind"], "title": row["title"],
            "summary": row["summary"], "status": row["status"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "official_answers": row["answers_count"],
            "last_answer_at": row["last_answer"],
        }


def _contribution_dates(spaces) -> dict[int, Any]:
    from core.contributions.models import Contribution

    return dict(
        Contribution.objects.public().filter(space__in=spaces).order_by()
        .values_list("space_id").annotate(latest=Max("updated_at"))
    )


def _participation_rows(space) -> Iterator[dict[str, Any]]:
    """Active participations per subject and channel: one query per subject type, one in all."""
    from core.ledger import CHANNELS
    from core.participation.models import ParticipationRecord
    from core.participation.registry import subject_types

    subjects: dict[str, str] = {}
    for subject_type in subject_types().values():
        if subject_type.public_subjects is not None:
            subjects.update((row["key"], row["title"]) for row in subject_type.public_subjects(space))
    if not subjects:
        return
    counts = dict.fromkeys(((key, channel) for key in subjects for channel in CHANNELS), 0)
    found = (
        ParticipationRecord.objects.filter(subject_key__in=list(subjects), withdrawn_at__isnull=True,
                                           invalidated_at__isnull=True)
        .values_list("subject_key", "channel").annotate(n=Count("pk")).order_by()
    )
    for subject_key, channel, n in found:
        counts[(subject_key, channel)] = n
    for (subject_key, channel), n in sorted(counts.items()):
        yield {"subject": subject_key, "title": subjects[subject_key], "channel": channel, "participations": n}


def core_datasets() -> list[OpenDataSet]:
    return [
        OpenDataSet(
            key="phases",
            title=_("Espaces de participation et leurs phases"),
            description=_("L'espace de participation, puis une ligne par phase avec ses dates."),
            columns=(
                OpenDataColumn("space", "string", _("Identifiant de l'espace")),
                OpenDataColumn("space_title", "string", _("Titre de l'espace")),
                OpenDataColumn("space_summary", "string", _("Résumé de l'espace")),
                OpenDataColumn("phase_position", "integer", _("Rang de la phase (1 : la première)")),
                OpenDataColumn("phase_title", "string", _("Titre de la phase")),
                OpenDataColumn("phase_description", "string", _("Description de la phase")),
                OpenDataColumn("starts_at", "datetime", _("Début de la phase")),
                OpenDataColumn("ends_at", "datetime", _("Fin de la phase (vide : sans fin fixée)")),
            ),
            rows=_phase_rows,
            last_modified=_space_dates,
        ),
        OpenDataSet(
            key="contributions",
            title=_("Contributions publiques"),
            description=_("Les contributions publiées de l'espace (pétitions, propositions...), "
                          "avec leur statut et leurs dates, sans leur auteur."),
            columns=(
                OpenDataColumn("id", "integer", _("Numéro de la contribution")),
                OpenDataColumn("module", "string", _("Module de participation")),
                OpenDataColumn("kind", "string", _("Type de contribution")),
                OpenDataColumn("title", "string", _("Titre")),
                OpenDataColumn("summary", "string", _("Résumé")),
                OpenDataColumn("status", "string", _("Statut public")),
                OpenDataColumn("created_at", "datetime", _("Date de dépôt")),
                OpenDataColumn("updated_at", "datetime", _("Dernière modification")),
                OpenDataColumn("official_answers", "integer", _("Nombre de réponses officielles")),
                OpenDataColumn("last_answer_at", "datetime", _("Date de la dernière réponse officielle")),
            ),
            rows=_contribution_rows,
            last_modified=_contribution_dates,
        ),
        OpenDataSet(
            key="participation",
            title=_("Participations par sujet et par canal"),
            description=_("Pour chaque pétition ou vote public de l'espace, le nombre de participations "
                          "valides par canal (en ligne, papier, en mairie, partenaire)."),
            columns=(
                OpenDataColumn("subject", "string", _("Identifiant du sujet (celui de son registre public)")),
                OpenDataColumn("title", "string", _("Titre du sujet")),
                OpenDataColumn("channel", "string", _("Canal : web, paper, assisted ou partner")),
                OpenDataColumn("participations", "integer", _("Participations valides (ni retirées ni invalidées)")),
            ),
            rows=_participation_rows,
        ),
    ]
