"""The built-in verification methods and the registry of every method (core and plugins)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.identity import conf
from core.plugins import (
    PROOF_AGE,
    PROOF_EMAIL,
    PROOF_IDENTITY,
    PROOF_MEMBERSHIP,
    PROOF_RESIDENCE,
    VerificationMethod,
)

EMAIL = "email"
CENSUS = "census"
IN_PERSON = "in_person"
POSTAL = "postal"
OIDC_PREFIX = "oidc:"


def _email_url(organisation) -> str:
    return reverse("account_email")


def _census_url(organisation) -> str | None:
    from core.identity.models import CensusList

    lists = CensusList.objects.all()
    if organisation is not None:
        lists = lists.filter(organisation=organisation)
    if not lists.exists():
        return None
    url = reverse("identity:census_match")
    return f"{url}?organisation={organisation.slug}" if organisation is not None else url


def _redeem_url(organisation) -> str:
    return reverse("identity:redeem_code")


def builtin_methods() -> list[VerificationMethod]:
    """The core's methods, declared through the ``verification_methods`` hook."""
    from core.identity import oidc_config

    methods = [
        VerificationMethod(
            key=EMAIL, label=_("Adresse électronique confirmée"), proves=frozenset({PROOF_EMAIL}),
            start_url=_email_url, identity_level=1,
            description=_("Confirmer votre adresse électronique en cliquant sur le lien reçu."),
        ),
        VerificationMethod(
            key=CENSUS, label=_("Liste des habitants ou des adhérents"),
            proves=frozenset({PROOF_IDENTITY, PROOF_RESIDENCE, PROOF_AGE, PROOF_MEMBERSHIP}),
            validity=conf.days("PARVIS_IDENTITY_CENSUS_VALIDITY_DAYS"), start_url=_census_url,
            identity_level=2,
            description=_("Saisir vos nom, prénom et date de naissance : s'ils figurent sur la "
                          "liste transmise par la mairie ou l'association, vous êtes vérifié."),
        ),
        VerificationMethod(
            key=IN_PERSON, label=_("Vérification au guichet"),
            proves=frozenset({PROOF_IDENTITY, PROOF_RESIDENCE, PROOF_AGE, PROOF_MEMBERSHIP}),
            validity=conf.days("PARVIS_IDENTITY_IN_PERSON_VALIDITY_DAYS"), start_url=_redeem_url,
            identity_level=3,
            description=_("Présentez-vous à l'accueil de la mairie avec une pièce d'identité : "
                          "un agent vérifie votre compte ou vous remet un code à saisir ici."),
        ),
        VerificationMethod(
            key=POSTAL, label=_("Code reçu par courrier"), proves=frozenset({PROOF_RESIDENCE}),
            validity=conf.days("PARVIS_IDENTITY_POSTAL_VALIDITY_DAYS"), start_url=_redeem_url,
            identity_level=2,
            description=_("Saisissez le code imprimé sur la lettre envoyée à votre domicile."),
        ),
    ]
    for provider in oidc_config.providers().values():
        methods.append(
            VerificationMethod(
                key=OIDC_PREFIX + provider.key,
                label=provider.label,
                proves=provider.proves,
                validity=provider.validity,
                start_url=reverse("identity:oidc_start", args=[provider.key]),
                identity_level=provider.identity_level,
                description=_("Vous vérifier avec votre compte %(provider)s.")
                % {"provider": provider.label},
            )
        )
    return methods


def all_methods() -> dict[str, VerificationMethod]:
    """Every method by its stored key: the core's bare keys, plugins' ``"<slug>.<key>"``."""
    from core.identity import hooks as builtin_hooks
    from core.plugin_host import get_manager

    methods: dict[str, VerificationMethod] = {}
    impls = get_manager().hook.verification_methods.get_hookimpls()
    builtin_registered = False
    for impl in impls:
        builtin = impl.function is builtin_hooks.verification_methods
        builtin_registered |= builtin
        for method in impl.function() or []:
            bare = builtin or impl.plugin_name == "core"
            methods[method.key if bare else f"{impl.plugin_name}.{method.key}"] = method
    if not builtin_registered:
        # ``core/hooks.py`` registers the built-ins; should it not, they are still offered.
        for method in builtin_methods():
            methods.setdefault(method.key, method)
    return methods


def method_label(key: str) -> str:
    method = all_methods().get(key)
    return str(method.label) if method else key
