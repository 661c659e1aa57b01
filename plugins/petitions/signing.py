"""Signing a petition without an account: form, e-mailed confirmation, receipt, withdrawal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plugins.petitions import services
from plugins.petitions.forms import SignForm
from plugins.petitions.views import visible_petition


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def sign(request, pk: int):
    petition = visible_petition(request, pk)
    rules = services.settings_for(petition.component)
    form = SignForm(request.POST or None, collect_postcode=rules.collect_postcode)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign(
                petition, name=data["name"], email=data["email"], show_name=data["show_name"],
                postcode=data.get("postcode", ""), wants_updates=data["wants_updates"], ip=client_ip(request),
                rules=rules,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "petitions/sign_sent.html", {"petition": petition, "email": data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/sign.html", {"petition": petition, "form": form}, status=status)


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
            confirmation = services.confirm_signature(token)
        except ValidationError as exc:
            return render(request, "petitions/token_error.html", {"message": " ".join(exc.messages)}, status=400)
        return render(request, "petitions/confirmed.html", {
            "petition": confirmation.signature.petition, "receipt": confirmation.receipt, "token": token,
            "already": confirmation.receipt is None,
        })
    return render(request, "petitions/confirm.html", {"signature": signature, "petition": signature.petition})


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
