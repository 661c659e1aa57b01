"""Personal data of the account itself, of memberships, and of third-party apps (allauth,
Wagtail, the Django admin) that point to the user model: the core answers for them."""

from __future__ import annotations

import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.plugins import PersonalData

#: Third-party models the core answers for besides every ``wagtail*`` app (allauth's
#: ``account.EmailAddress`` belongs to the account section).
THIRD_PARTY_MODELS = ("admin.LogEntry",)
#: Rows the erasure leaves to the deletion of the account (the Django admin's own log).
LEFT_TO_CASCADE = ("admin.LogEntry",)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def user_fields(model) -> list[models.Field]:
    """The concrete foreign keys and one-to-ones of ``model`` that point to the user model."""
    user_model = get_user_model()
    return [
        f for f in model._meta.get_fields()
        if f.concrete and (f.many_to_one or f.one_to_one) and f.related_model is user_model
    ]


def third_party_models() -> list[type[models.Model]]:
    return [
        m for m in apps.get_models()
        if (m._meta.app_label.startswith("wagtail") or m._meta.label in THIRD_PARTY_MODELS)
        and not m._meta.proxy and user_fields(m)
    ]


def _export_account(user) -> dict:
    from allauth.account.models import EmailAddress

    from core.models import Membership

    return {
        "account": {
            "email": user.email, "display_name": user.display_name, "first_name": user.first_name,
            "last_name": user.last_name, "date_joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
            "is_staff": user.is_staff,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role, "created_at": _iso(m.created_at)}
            for m in Membership.objects.filter(user=user).select_related("organisation").order_by("created_at")
        ],
    }


def sessions_of(user, addresses: set[str]) -> list[str]:
    """Keys of the stored sessions signed in as ``user`` or naming one of its ``addresses``
    (lower-case), e.g. a login waiting for its address to be confirmed.

    Sessions are kept in the database (``SESSION_ENGINE`` db or cached_db) and signed, not
    indexed by user: each is decoded. Erasures are rare; the scan reads in batches.
    """
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user_id = str(user.pk)
    # A whole address, not the end of a longer one ("xcamille@..." is someone else).
    naming = re.compile("|".join(rf"(?<![\w.+-]){re.escape(a)}(?![\w.-])" for a in addresses)) if addresses else None
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        data = session.get_decoded()
        if data.get("_auth_user_id") == user_id or (naming and naming.search(repr(data).lower())):
            found.append(session.session_key)
    return found


def end_sessions(user) -> int:
    """Delete every session of ``user`` (all its devices), through the session engine so that a
    cached copy goes too. Returns how many were deleted."""
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings

    if settings.SESSION_ENGINE not in {"django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"}:
        return 0  # signed cookies or cache only: nothing stored here to enumerate
    addresses = {user.email.lower(), *(e.lower() for e in EmailAddress.objects.filter(user=user)
                                       .values_list("email", flat=True))} - {""}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = sessions_of(user, addresses)
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


def _erase_account(user) -> None:
    from allauth.account.models import EmailAddress

    from core.models import Membership

    # Every device signed in as the account is signed out, and no session keeps its address.
    end_sessions(user)
    # The account row itself is deleted last, by core.privacy.erase_user.
    Membership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()


def _export_third_party(user) -> dict:
    data = {}
    for model in third_party_models():
        rows = []
        for field in user_fields(model):
            for obj in model._default_manager.filter(**{field.name: user}).order_by("pk"):
                rows.append({"id": obj.pk, "as": field.name, "description": str(obj)})
        if rows:
            data[model._meta.label] = rows
    return data


def _erase_third_party(user) -> None:
    for model in third_party_models():
        if model._meta.label in LEFT_TO_CASCADE:
            continue
        for field in user_fields(model):
            rows = model._default_manager.filter(**{field.name: user})
            if field.null:
                rows.update(**{field.name: None})
            else:
                rows.delete()


def _export_data_exports(user) -> dict:
    from core.models import DataExport

    return {
        "data_exports": [
            {"created_at": _iso(e.created_at), "ready_at": _iso(e.ready_at), "expires_at": _iso(e.expires_at),
             "downloaded_at": _iso(e.downloaded_at)}
            for e in DataExport.objects.filter(user=user).order_by("created_at")
        ],
    }


def _erase_data_exports(user) -> None:
    from core import data_exports
    from core.models import DataExport

    exports = list(DataExport.objects.filter(user=user))
    data_exports.delete_files(exports)  # once the erasure commits
    DataExport.objects.filter(user=user).delete()


def personal_data() -> list[PersonalData]:
    user_model = get_user_model()
    return [
        PersonalData(
            key="account",
            models=(user_model._meta.label, "core.Membership", "account.EmailAddress"),
            export=_export_account, erase=_erase_account,
            description=_(
                "Votre compte, vos adresses électroniques et vos rôles dans les organisations sont supprimés."
            ),
        ),
        PersonalData(
            key="data_exports",
            models=("core.DataExport",),
            export=_export_data_exports, erase=_erase_data_exports,
            description=_("Les exports de vos données que vous avez demandés et leurs fichiers sont supprimés."),
        ),
        PersonalData(
            key="administration",
            models=tuple(m._meta.label for m in third_party_models()),
            export=_export_third_party, erase=_erase_third_party,
            description=_(
                "Dans l'administration, les pages, révisions, documents, images et journaux restent sans lien "
                "vers votre compte ; vos brouillons, jetons et abonnements sont supprimés. Le journal de "
                "l'administration Django est supprimé avec le compte."
            ),
        ),
    ]
