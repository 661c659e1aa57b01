"""The privacy notice and the processing register of an organisation, generated.

Both are built from what the instance really does: the ``personal_data`` sections of the core
and of the plugins the organisation uses (their ``description``), the retention rules and the
delays in force at that organisation, and its legal settings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.plugin_host import loaded_plugins
from core.privacy import sections
from core.retention.rules import all_rules, delays_for, format_delay

CORE = "core"


@dataclass
class RetentionLine:
    key: str
    label: str
    description: str
    data: str
    delay: str


@dataclass
class Processing:
    """One entry of the register: a processing activity (the core's accounts, or a plugin)."""

    slug: str
    name: str
    purpose: str
    data: list[str] = field(default_factory=list)
    retention: list[RetentionLine] = field(default_factory=list)


def controller_of(organisation) -> dict[str, str]:
    settings = settings_of(organisation)
    return {
        "name": organisation.name,
        "contact": (settings.privacy_contact if settings else "") or "",
    }


def settings_of(organisation):
    from core.retention.models import PrivacySettings

    return PrivacySettings.objects.filter(organisation=organisation).first()


def legal_basis(organisation) -> str:
    if organisation.kind == organisation.Kind.ASSOCIATION:
        return _("Le consentement des personnes (article 6-1-a du RGPD) et l'intérêt légitime de "
                 "l'association à animer la participation de ses membres (article 6-1-f).")
    return _("L'exécution d'une mission d'intérêt public dont est investie la collectivité "
             "(article 6-1-e du RGPD) : associer les habitants aux décisions.")


def processings(organisation) -> list[Processing]:
    """The core's processing, then one per plugin the organisation uses, with its data
    (section descriptions) and its retention rules at the delays in force."""
    enabled = organisation.enabled_plugins()
    entries: dict[str, Processing] = {
        CORE: Processing(CORE, _("Comptes, contributions et émargements"),
                         _("Gérer les comptes des participants, leurs contributions, commentaires, "
                           "notifications et vérifications d'identité ; tenir le registre des "
                           "participations qui empêche de voter ou signer deux fois.")),
    }
    for plugin in loaded_plugins():
        if plugin.slug in enabled:
            entries[plugin.slug] = Processing(plugin.slug, str(plugin.info.name), str(plugin.info.description))
    for slug, section in sections():
        if slug in entries and section.description:
            entries[slug].data.append(str(section.description))
    rules = all_rules()
    delays = delays_for(organisation, rules)
    for key, rule in rules.items():
        slug = key.split(".", 1)[0]
        if slug in entries:
            entries[slug].retention.append(RetentionLine(
                key=key, label=str(rule.label or rule.description), description=str(rule.description),
                data=str(rule.data), delay=format_delay(delays[key], rule),
            ))
    return list(entries.values())


def recipients() -> str:
    return _("Les agents, modérateurs et administrateurs habilités de l'organisation, chacun pour ce "
             "qui relève de son rôle ; l'hébergeur du service. Aucune donnée n'est vendue ni "
             "transférée hors de l'Union européenne. Le registre public des participations ne "
             "contient que des clés chiffrées, jamais les identités.")


def security_measures() -> list[str]:
    return [
        _("Accès par compte personnel et rôles par organisation ; mots de passe stockés hachés."),
        _("Connexions chiffrées (HTTPS) ; protection contre la falsification de requêtes (CSRF)."),
        _("Émargements enregistrés sous une clé chiffrée (HMAC), jamais sous l'identité ; "
          "registre public vérifiable des comptages."),
        _("Exports de données personnelles hors des fichiers publics, par lien à usage unique "
          "valable 48 heures."),
        _("Suppression et anonymisation automatiques aux durées de conservation ci-dessus."),
        _("Logiciel libre, auditable ; pages sans ressource de tiers ni traceur."),
    ]


def register(organisation) -> dict:
    """The register of ``organisation`` as JSON-ready data (also shown as HTML and CSV)."""
    controller = controller_of(organisation)
    return {
        "controller": controller,
        "legal_basis": legal_basis(organisation),
        "recipients": recipients(),
        "transfers_outside_eu": _("Aucun."),
        "security_measures": security_measures(),
        "processings": [
            {
                "slug": p.slug, "name": p.name, "purpose": p.purpose,
                "persons": _("Habitants et membres qui participent ; agents et élus de l'organisation."),
                "data": p.data,
                "retention": [
                    {"rule": r.key, "label": r.label, "description": r.description, "data": r.data,
                     "delay": r.delay}
                    for r in p.retention
                ],
            }
            for p in processings(organisation)
        ],
    }


CSV_COLUMNS = ("processing", "purpose", "controller", "contact", "legal_basis", "persons", "data",
               "recipients", "transfers_outside_eu", "retention", "security_measures")


def _cell(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def register_csv(organisation) -> str:
    """One row per processing, CNIL-style columns (French spreadsheet software reads ``;``)."""
    data = register(organisation)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for p in data["processings"]:
        writer.writerow([_cell(str(v)) for v in (
            p["name"], p["purpose"], data["controller"]["name"], data["controller"]["contact"],
            data["legal_basis"], p["persons"], " | ".join(p["data"]), data["recipients"],
            data["transfers_outside_eu"],
            " | ".join(f"{r['label']} : {r['delay']}" for r in p["retention"]),
            " | ".join(data["security_measures"]),
        )])
    return out.getvalue()
