"""The petitions in the public API (``/api/v1/petitions/``), mounted by ``hooks.api_routers``.

Reads show the public petitions of the request's organisation (``Petition.objects.public()``,
the same set as the public list: every state from awaiting sponsors to answered or rejected;
no draft, nothing hidden or held for pre-moderation). Signing
follows the web form exactly (same validation, eligibility, rate limits and e-mailed
confirmation): it goes through :mod:`plugins.petitions.services`. Signers' names and addresses
are never returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status

from core.api.auth import ANYONE, require_scope
from core.api.errors import ApiError, ErrorOut
from core.api.pagination import Page, paginate, reject_unknown_parameters
from core.client_address import client_address
from core.plugins import ApiRouter, ApiScope
from plugins.petitions import services
from plugins.petitions.views import next_threshold, public_petitions
from plugins.petitions.workflow import PETITION_WORKFLOW

SCOPE_SIGN = "petitions:sign"
SCOPES = (ApiScope(SCOPE_SIGN, gettext_lazy("signer des pétitions en votre nom")),)

#: ``state`` values: every state of a public petition (PetitionQuerySet.public).
State = Literal["awaiting_sponsors", "under_moderation", "open", "closed", "answered", "debated", "rejected"]
assert set(State.__args__) == {state.key for state in PETITION_WORKFLOW.states}  # noqa: S101 - kept in step

#: ``order`` values: a field of the allow-list, ``-`` first for descending order.
ORDER_FIELDS = {
    "opened_at": "opened_at",
    "closes_at": "closes_at",
    "created_at": "created_at",
    "signatures": "total",
    "trending": "recent_count",
    "title": "title",
}
Order = Literal[
    "opened_at", "-opened_at", "closes_at", "-closes_at", "created_at", "-created_at",
    "signatures", "-signatures", "trending", "-trending", "title", "-title",
]
assert {o.lstrip("-") for o in Order.__args__} == set(ORDER_FIELDS)  # noqa: S101

LIST_PARAMETERS = {"page", "page_size", "state", "category", "territory", "space", "order"}
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
          429: ErrorOut}

router = Router(auth=ANYONE)


class Channels(Schema):
    web: int
    paper: int
    partner: int


class PetitionOut(Schema):
    id: int
    title: str
    status: str
    category: str
    territory: str
    space: str
    component: int
    on_behalf_of_organisation: bool
    opened_at: datetime | None
    closes_at: datetime | None
    signature_count: int
    url: str


class Threshold(Schema):
    kind: str
    signatures: int


class PetitionDetailOut(PetitionOut):
    text: str
    is_open: bool
    channels: Channels
    counted_at: datetime | None
    rejection_reason: str
    thresholds: list[Threshold]
    next_threshold: Threshold | None


class SignIn(Schema):
    name: str
    email: str | None = None
    show_name: bool = False
    postcode: str = ""
    wants_updates: bool = False
    consent: bool = False


class SignOut(Schema):
    petition: int
    status: Literal["confirmation_sent", "confirmed"]
    message: str
    receipt: str | None = None  # when confirmed at once


class ConfirmIn(Schema):
    token: str


class ConfirmOut(Schema):
    petition: int
    confirmed: bool
    already_confirmed: bool
    receipt: str | None


def _out(petition) -> dict:
    return {
        "id": petition.pk, "title": petition.title, "status": petition.status,
        "category": petition.category, "territory": petition.territory,
        "space": petition.component.phase.space.slug, "component": petition.component_id,
        "on_behalf_of_organisation": petition.on_behalf_of_organisation,
        "opened_at": petition.opened_at, "closes_at": petition.closes_at,
        "signature_count": petition.signature_count, "url": petition.get_absolute_url(),
    }


def _public(request, pk: int):
    petition = (public_petitions(request).select_related("component__petition_settings")
                .filter(pk=pk).first())
    if petition is None:
        raise Http404
    return petition


@router.get("/", response={200: Page[PetitionOut], **ERRORS}, url_name="petitions_list",
            summary="Public petitions")
def list_petitions(request, page: int = 1, page_size: int = Query(20), state: State | None = None,
                   category: str | None = None, territory: str | None = None, space: str | None = None,
                   order: Order = "-opened_at"):
    """Public petitions of the organisation, filtered by state, theme, territory or space (slug),
    ordered by one field of the allow-list (``-`` first: descending)."""
    reject_unknown_parameters(request, LIST_PARAMETERS)
    petitions = public_petitions(request).annotate(total=F("count_web") + F("count_paper") + F("count_partner"))
    if state:
        petitions = petitions.filter(contribution__status=state)
    if category:
        petitions = petitions.filter(category=category)
    if territory:
        petitions = petitions.filter(territory=territory)
    if space:
        petitions = petitions.filter(component__phase__space__slug=space)
    descending = order.startswith("-")
    field = ORDER_FIELDS[order.lstrip("-")]
    petitions = petitions.order_by(F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True),
                                   "-pk")
    return paginate(petitions, page, page_size, _out)


@router.get("/{int:petition_id}", response={200: PetitionDetailOut, **ERRORS}, url_name="petitions_detail",
            summary="One public petition and its counts")
def get_petition(request, petition_id: int):
    """The petition, its counts per channel (web, paper, partner) as of the last count, and
    its thresholds. Counts are updated by a periodic task, not on each signature."""
    reject_unknown_parameters(request, set())
    petition = _public(request, petition_id)
    rules = getattr(petition.component, "petition_settings", None)
    upcoming = next_threshold(petition)
    return {
        **_out(petition),
        "text": petition.text, "is_open": petition.is_open,
        "channels": {"web": petition.count_web, "paper": petition.count_paper, "partner": petition.count_partner},
        "counted_at": petition.counted_at, "rejection_reason": petition.rejection_reason,
        "thresholds": [{"kind": kind, "signatures": value} for kind, value in (rules.thresholds if rules else [])],
        "next_threshold": {"kind": upcoming[0], "signatures": upcoming[1]} if upcoming else None,
    }


def _form_errors(form) -> ApiError:
    return ApiError(422, _("La signature contient des valeurs non valables."), code="invalid",
                    details={field: [str(m) for m in messages] for field, messages in form.errors.items()})


@router.post("/{int:petition_id}/sign", response={201: SignOut, 202: SignOut, **ERRORS}, url_name="petitions_sign",
             summary="Sign a petition (confirmed by e-mail, or at once with a verified address)")
def sign(request, petition_id: int, payload: SignIn):
    """Record a signature, which counts once the link e-mailed to ``email`` is confirmed (202).

    Open to anonymous callers like the web form. Called as an account (a token holding the
    scope ``petitions:sign``, or a session) with one of the account's verified addresses, the
    signature is confirmed at once: 201, with the receipt, and no e-mail. Where the petition
    box has eligibility rules, only an eligible account signs, with its own address. Same rate
    limits as the form (429)."""
    from core.identity.services import conditions_of
    from plugins.petitions.forms import SignForm

    who = require_scope(request, SCOPE_SIGN)
    petition = _public(request, petition_id)
    rules = services.settings_for(petition.component)
    conditions = conditions_of(petition.component)
    if conditions and not who.is_authenticated:
        raise ApiError(403, _("Cette pétition est réservée aux personnes qui remplissent ses conditions : "
                              "signez avec un jeton de votre compte."), code="not_eligible",
                       details={"conditions": [str(c) for c in conditions]})
    data = {"name": payload.name, "email": payload.email or "", "postcode": payload.postcode}
    data |= {key: "on" for key in ("show_name", "wants_updates", "consent") if getattr(payload, key)}
    form = SignForm(data, collect_postcode=rules.collect_postcode, postcode_required=rules.postcode_required)
    if conditions:
        del form.fields["email"]  # the account's address is the signer's
    if not form.is_valid():
        raise _form_errors(form)
    cleaned = form.cleaned_data
    if not petition.is_open:
        raise ApiError(409, _("Cette pétition n'est pas ouverte à la signature."), code="not_open")
    signed = services.sign(
        petition, name=cleaned["name"], email=who.user.email if conditions else cleaned["email"],
        show_name=cleaned["show_name"], postcode=cleaned.get("postcode", ""),
        wants_updates=cleaned["wants_updates"], ip=client_address(request), rules=rules, user=who.user,
    )
    if signed.confirmation is not None:
        return Status(201, {"petition": petition.pk, "status": "confirmed", "receipt": signed.confirmation.receipt,
                            "message": _("Votre signature est confirmée : elle compte dès maintenant.")})
    return Status(202, {"petition": petition.pk, "status": "confirmation_sent",
                        "message": _("Un lien de confirmation a été envoyé par courriel. La signature compte "
                                     "une fois ce lien ouvert et confirmé.")})


@router.post("/confirm", response={200: ConfirmOut, **ERRORS}, url_name="petitions_confirm",
             summary="Confirm a signature with the token of the e-mailed link")
def confirm(request, payload: ConfirmIn):
    """Confirm a signature with the token of its e-mailed link (the last part of the link).
    Where the petition box has eligibility rules, call as the account that signed."""
    who = require_scope(request, SCOPE_SIGN)
    signature = services.signature_for_token(payload.token) if len(payload.token) <= 200 else None
    if signature is None:
        raise ApiError(404, _("Ce lien de confirmation n'est pas valable. Copiez-le en entier depuis le "
                              "message reçu."), code="invalid_token")
    try:
        confirmation = services.confirm_signature(payload.token, user=who.user)
    except ValidationError as exc:
        # The person already took part (on paper, say): its own code, so that a client can tell
        # it from a link that no longer works.
        code = "already_participated" if getattr(exc, "code", None) == "already_participated" else "not_confirmed"
        raise ApiError(409, " ".join(exc.messages), code=code) from None
    return {"petition": confirmation.signature.petition_id, "confirmed": True,
            "already_confirmed": confirmation.receipt is None, "receipt": confirmation.receipt}


def api_routers() -> list[ApiRouter]:
    return [ApiRouter(prefix="petitions", router=router, tags=("petitions",), scopes=SCOPES)]
