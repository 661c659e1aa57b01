"""The retention app's pages, declared for the every-page gates (docs/gates.md).

Included by the core's ``sample_pages`` hook through ``core.sample_pages.APP_DECLARATIONS``.
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import ADMIN, AGENTS, FormSample, SamplePage, statuses

#: Administrators of the page's organisation only.
ADMINS = statuses(403, anonymous=302, admin=200)
DIRECTOR = "Mme la maire de Saint-Aubin"


def _settings_data(fx) -> dict[str, str]:
    from core.retention.forms import field_name
    from core.retention.rules import all_rules, in_days

    data = {}
    for key, rule in all_rules().items():
        unit = 24 if in_days(rule) else 1
        data[field_name(key)] = str(int(rule.default.total_seconds() // 3600 // unit))
    data.update({
        "publisher": "Mairie de Saint-Aubin, 1 place de la Mairie",
        "publication_director": DIRECTOR,
        "host": "Hébergeur associatif, 2 rue du Serveur",
        "privacy_contact": "dpo@saint-aubin.example",
        "additional_notices": "Crédits photos : la mairie.",
    })
    return data


def _saved(fx, html: str) -> bool:
    from core.retention.models import PrivacySettings

    return PrivacySettings.objects.filter(organisation=fx.organisation, publication_director=DIRECTOR).exists()


def _url(name: str):
    return lambda fx: reverse(name, args=[fx.organisation.slug])


def retention_pages() -> list[SamplePage]:
    return [
        SamplePage(name="retention:privacy_notice", url=_url("retention:privacy_notice"),
                   label="Données personnelles"),
        SamplePage(name="retention:legal_notice", url=_url("retention:legal_notice"),
                   label="Mentions légales"),
        SamplePage(name="retention:register", url=_url("retention:register"),
                   label="Registre des traitements"),
        SamplePage(name="retention:register_csv", url=_url("retention:register_csv"), get=AGENTS,
                   audit=False, label="Registre des traitements (CSV)"),
        SamplePage(name="retention:register_json", url=_url("retention:register_json"), get=AGENTS,
                   audit=False, label="Registre des traitements (JSON)"),
        SamplePage(
            name="retention:settings", url=_url("retention:settings"), get=ADMINS,
            post=statuses(403, anonymous=302, admin=302), label="Données personnelles : réglages",
            form=FormSample(
                data=_settings_data, role=ADMIN,
                fields=("publisher", "publication_director", "host", "privacy_contact",
                        "additional_notices", "delay_petitions__ip_addresses"),
                submit="Enregistrer les réglages", done=_saved,
            ),
        ),
    ]
