"""Personal data of the API: the account's access tokens (never their raw value)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.api.models import ApiToken
from core.plugins import PersonalData


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "scopes": list(t.scopes), "created_at": _iso(t.created_at),
             "expires_at": _iso(t.expires_at), "last_used_at": _iso(t.last_used_at),
             "revoked_at": _iso(t.revoked_at)}
            for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


def erase(user) -> None:
    ApiToken.objects.filter(user=user).delete()


def personal_data() -> PersonalData:
    return PersonalData(
        key="api", models=("api.ApiToken",), export=export, erase=erase,
        description=_(
            "Vos jetons d'accès à l'API (nom, portées, dates de création, de dernière utilisation et de "
            "révocation ; jamais le jeton lui-même) sont supprimés avec votre compte."
        ),
    )
