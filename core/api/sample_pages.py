"""The API's URLs and the token pages of the account area, for the every-page gates.

The core's ``sample_pages`` includes :func:`api_pages` (``APP_DECLARATIONS`` of
core/sample_pages.py). JSON endpoints are not pages: ``audit=False`` (no browser audit).
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import PARTICIPANT, POST_ONLY, SIGNED_IN, FormSample, SamplePage, statuses

TOKEN_NAME = "Tableau de bord du quartier"


def _url(name: str, *args):
    return lambda fx: reverse(name, args=args)


def _tokens(fx, n: int) -> None:
    """``n`` more tokens of the participant (the audited role)."""
    from core.api.models import ApiToken

    start = ApiToken.objects.count()
    ApiToken.objects.bulk_create(
        ApiToken(user=fx.users[PARTICIPANT], name=f"Jeton {start + i}", prefix=f"pvs_{start + i:06d}"[:10],
                 token_hash=f"{start + i:064d}", scopes=["read"])
        for i in range(n)
    )


def _participant_token(fx):
    from core.api import tokens

    if "api_token" not in fx.objects:
        fx.objects["api_token"] = tokens.create_token(fx.users[PARTICIPANT], name="Script", scopes=["read"]).token
    return fx.objects["api_token"]


def _created(fx, html: str) -> bool:
    from core.api.models import ApiToken

    return ApiToken.objects.filter(user=fx.users[PARTICIPANT], name=TOKEN_NAME).exists() and "pvs_" in html


def _revoked(fx, html: str) -> bool:
    from core.api.models import ApiToken

    return ApiToken.objects.filter(pk=_participant_token(fx).pk, revoked_at__isnull=False).exists()


def _spaces(fx, n: int) -> None:
    from core.sample_pages import _open_spaces

    _open_spaces(fx, n)


def _phases(fx, n: int) -> None:
    from core.sample_pages import _phases as more_phases

    more_phases(fx, n)


def _organisations(fx, n: int) -> None:
    from core.models import Organisation

    start = Organisation.objects.count()
    Organisation.objects.bulk_create(
        Organisation(name=f"Commune {start + i}", slug=f"commune-{start + i}") for i in range(n)
    )


def api_pages() -> list[SamplePage]:
    return [
        SamplePage(name="api:index", url=_url("api:index"), audit=False, label="API : accueil (JSON)"),
        SamplePage(name="api:openapi-json", url=_url("api:openapi-json"), audit=False,
                   label="API : description OpenAPI"),
        SamplePage(name="api:organisations", url=_url("api:organisations"), audit=False,
                   list_of=_organisations, label="API : organisations"),
        SamplePage(name="api:organisation", url=lambda fx: reverse("api:organisation", args=[fx.organisation.slug]),
                   audit=False, label="API : une organisation"),
        SamplePage(name="api:spaces", url=_url("api:spaces"), audit=False, list_of=_spaces,
                   label="API : espaces"),
        SamplePage(name="api:space", url=lambda fx: reverse("api:space", args=[fx.space.slug]), audit=False,
                   list_of=_phases, label="API : un espace"),
        # A token only: a browser session is not enough.
        SamplePage(name="api:me", url=_url("api:me"), audit=False, get=statuses(401),
                   label="API : propriétaire du jeton"),
        SamplePage(name="api:not_found", url=lambda fx: "/api/v1/pas-de-point-d-acces/", audit=False,
                   get=statuses(404), label="API : adresse inconnue"),
        SamplePage(
            name="api_tokens:tokens", url=_url("api_tokens:tokens"), label="Accès à l'API",
            get=SIGNED_IN, post=statuses(200, anonymous=302), list_of=_tokens,
            form=FormSample(
                data=lambda fx: {"name": TOKEN_NAME, "scopes": "read", "lifetime": "90"}, fields=("name",),
                submit="Créer le jeton", success_status=200, done=_created,
            ),
        ),
        SamplePage(
            name="api_tokens:revoke", setup=_participant_token, audit=False,
            url=lambda fx: reverse("api_tokens:revoke", args=[_participant_token(fx).pk]),
            label="Révoquer un jeton d'accès", get=POST_ONLY,
            post=statuses(404, anonymous=302, participant=302),
            form=FormSample(data=lambda fx: {}, submit="Révoquer", shown_on=_url("api_tokens:tokens"),
                            done=_revoked),
        ),
    ]
