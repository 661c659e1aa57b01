"""A person's own data: « Mes données » (export by e-mailed link) and account deletion.

See docs/privacy.md. Both pages are for signed-in people only; the export link works once,
for 48 hours, for its owner only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import data_exports, privacy
from core.models import DataExport

#: Exports listed on « Mes données » (the latest ones).
LISTED_EXPORTS = 5
#: Wrong passwords allowed on the deletion form per account, per :data:`FAILURE_WINDOW` seconds.
MAX_FAILURES = 10
FAILURE_WINDOW = 15 * 60


def _descriptions() -> list[str]:
    return [str(section.description) for _slug, section in privacy.sections()]


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """What the instance keeps about the person, and the button that prepares an export."""
    if request.method == "POST":
        if data_exports.request_export(request.user) is None:
            messages.info(request, _(
                "Vous avez déjà demandé un export il y a quelques minutes : le lien vous est envoyé "
                "par courriel. Vous pourrez en demander un nouveau un peu plus tard."))
        else:
            messages.success(request, _(
                "Votre export est en préparation. Vous recevrez un lien de téléchargement par courriel."))
        return redirect("core:my_data")
    exports = list(DataExport.objects.filter(user=request.user).order_by("-created_at")[:LISTED_EXPORTS])
    return render(request, "core/account/my_data.html", {
        "descriptions": _descriptions(), "exports": exports, "now": timezone.now(),
        "lifetime_hours": int(data_exports.LIFETIME.total_seconds() // 3600),
    })


def _gone(request: HttpRequest, *, used: bool) -> HttpResponse:
    response = render(request, "core/account/export_gone.html", {"used": used}, status=410)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def download_export(request: HttpRequest, token: str) -> HttpResponse:
    """Send the export's zip once, to its owner, before it expires (else a 410 page)."""
    export = DataExport.objects.filter(token_hash=data_exports.hash_token(token)).first()
    if export is None or export.user_id != request.user.pk or export.ready_at is None:
        raise Http404
    now = timezone.now()
    # Claimed with a conditional UPDATE: two requests at once cannot both download it.
    claimed = DataExport.objects.filter(
        pk=export.pk, downloaded_at__isnull=True, expires_at__gt=now,
    ).update(downloaded_at=now)
    if not claimed:
        return _gone(request, used=export.downloaded_at is not None)
    path = data_exports.path_of(export)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    except (OSError, TypeError):
        return _gone(request, used=False)
    # Single use: the file goes now (the open handle still reads it); the row stays until it
    # expires so that the link answers « already used ».
    path.unlink(missing_ok=True)
    response = FileResponse(
        handle, as_attachment=True, content_type="application/zip",
        filename=f"parvis-mes-donnees-{timezone.localdate(export.ready_at):%Y-%m-%d}.zip",
    )
    response["Cache-Control"] = "no-store"
    return response


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Je comprends que mon compte sera supprimé définitivement."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _failures_key(self) -> str:
        return f"delete-account-failures:{self.user.pk}"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if cache.get(self._failures_key(), 0) >= MAX_FAILURES:
            raise forms.ValidationError(
                _("Trop de tentatives. Réessayez dans quelques minutes."), code="rate_limited")
        if not self.user.check_password(password):
            try:
                cache.incr(self._failures_key())
            except ValueError:
                cache.set(self._failures_key(), 1, FAILURE_WINDOW)
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."), code="wrong_password")
        return password


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the signed-in person's account and their data, after their password."""
    user = request.user
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        # Erase first (one transaction): if it fails the person is still signed in and nothing
        # is lost; then end the session of the account that no longer exists.
        privacy.erase_user(user)
        logout(request)
        messages.success(request, _("Votre compte a été supprimé."))
        return redirect("core:home")
    return render(request, "core/account/delete.html", {
        "form": form, "descriptions": _descriptions(),
    })
