"""Signing a petition: form, e-mailed confirmation, receipt, withdrawal.

Without an account, unless the petition box has eligibility rules: then only a signed-in,
eligible account signs (with its own address), and confirms while signed in. A signed-in
account signing with one of its verified addresses signs in one step: no link to confirm.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.client_address import client_address
from core.identity.services import check_eligibility, conditions_of
from core.participation.identity import normalise_email
from core.process_cache import ProcessCache
from core.shells import render_shell
from plugins.petitions import services
from plugins.petitions.forms import SignForm
from plugins.petitions.views import visible_petition

# --- The petition as signing reads it, kept per process ---------------------------------------
# The signing endpoint takes the spikes: it reads the petition, its box's settings and whether
# eligibility rules apply from this process's memory, for PETITIONS_SIGNING_CACHE_SECONDS at
# most. A change saved in this process (closing, hiding, new settings or rules) is seen at once;
# one saved in another process within that delay. Nothing counts before the e-mail link is
# confirmed, and the confirmation reads the petition afresh (services.confirm_signature).
_for_signing = ProcessCache("PETITIONS_SIGNING_CACHE_SECONDS", 5, watch=[
    "petitions.Petition", "petitions.PetitionSettings", "contributions.Contribution", "core.Component",
    "core.Phase", "core.Space", "identity.EligibilityRule",
])


def petition_for_signing(request, pk: int):
    """``visible_petition(request, pk, for_signing=True)`` (a public petition: the same for
    every visitor) and its box's settings, kept for the next requests."""
    # Kept per host's organisation: visible_petition checked that the host is the petition's.
    organisation = request.organisation
    key = (pk, organisation.pk if organisation else None)
    cached = _for_signing.get(key)
    if cached is not None:
        return cached
    petition = visible_petition(request, pk, for_signing=True)
    rules = getattr(petition.component, "petition_settings", None) or services.settings_for(petition.component)
    if not petition.at_home:
        return petition, rules  # served elsewhere (serve_here decided): read each time
    return _for_signing.set(key, (petition, rules))


def login_url(request) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"


def sign(request, pk: int):
    # Read with the petition: its box's settings and whether eligibility rules apply.
    petition, rules = petition_for_signing(request, pk)
    conditions = conditions_of(petition.component) if petition.has_eligibility_rules else []
    context = {"petition": petition, "conditions": conditions, "form": None}
    if conditions:
        # Reserved to eligible accounts: the others see the conditions and what to do, no form.
        status = 403 if request.method == "POST" else 200
        if not request.user.is_authenticated:
            context["login_url"] = login_url(request)
            return render(request, "petitions/sign.html", context, status=status)
        eligibility = check_eligibility(request.user, petition.component)
        if not eligibility.ok:
            context["eligibility"] = eligibility
            return render(request, "petitions/sign.html", context, status=status)
    initial = {"email": request.user.email} if request.user.is_authenticated else None
    form = SignForm(request.POST or None, initial=initial, collect_postcode=rules.collect_postcode,
                    postcode_required=rules.postcode_required)
    if conditions:
        del form.fields["email"]  # the account's address is the signer's
        context["account_email"] = request.user.email
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email = request.user.email if conditions else data["email"]
        try:
            signed = services.sign(
                petition, name=data["name"], email=email, show_name=data["show_name"],
                postcode=data.get("postcode", ""), wants_updates=data["wants_updates"], ip=client_address(request),
                rules=rules, user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if signed.confirmation is not None:
                # Signed in one step (an account's verified address): the receipt at once.
                return render(request, "petitions/confirmed.html", {
                    "petition": petition, "receipt": signed.confirmation.receipt, "token": signed.token,
                    "already": False,
                })
            # The same page for every signer but for the address: filled into a page rendered
            # once (core.shells).
            return render_shell(request, "petitions/sign_sent.html", {"petition": petition}, key=("petition", petition.pk),
                                fill={"email": email})
    if request.user.is_authenticated:
        # Said before signing: with the account's verified address there is no link to wait for.
        context["one_step"] = services.is_verified_address(request.user, normalise_email(request.user.email))
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/sign.html", context, status=status)


def confirm(request, token: str):
    """GET shows a button (mail scanners follow links; they must not sign for anyone);
    POST confirms and shows the receipt."""
    signature = services.signature_for_token(token)
    if signature is None:
        return render(request, "petitions/token_error.html", {
            "message": _("Ce lien de confirmation n'est pas valable. Copiez-le en entier depuis le message reçu."),
        }, status=404)
    if request.method == "POST":
        try:
            confirmation = services.confirm_signature(token, user=request.user)
        except ValidationError as exc:
            return render(request, "petitions/token_error.html", {"message": " ".join(exc.messages)}, status=400)
        return render(request, "petitions/confirmed.html", {
            "petition": confirmation.signature.petition, "receipt": confirmation.receipt, "token": token,
            "already": confirmation.receipt is None,
        })
    needs_login = (not request.user.is_authenticated
                   and bool(conditions_of(signature.petition.component)))
    return render(request, "petitions/confirm.html", {
        "signature": signature, "petition": signature.petition,
        "login_url": login_url(request) if needs_login else None,
    })


def withdraw(request, token: str):
    signature = services.signature_for_token(token)
    if signature is None:
        return render(request, "petitions/token_error.html", {
            "message": _("Aucune signature confirmée ne correspond à ce lien."),
        }, status=404)
    if request.method == "POST":
        try:
            services.withdraw_signature(token)
        except ValidationError as exc:
            return render(request, "petitions/token_error.html", {"message": " ".join(exc.messages)}, status=400)
        return redirect(signature.petition.get_absolute_url() + "?withdrawn=1")
    return render(request, "petitions/withdraw.html", {"petition": signature.petition})
