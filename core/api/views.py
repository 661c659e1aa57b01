"""« Accès à l'API » in the account area: create (the raw token is shown once) and revoke
personal access tokens. Signed-in people only; each sees and revokes their own tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.api import tokens
from core.api.forms import TokenForm
from core.api.models import ApiToken

#: Tokens listed on the page (the most recent; older revoked ones drop off the list).
LISTED_TOKENS = 50


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if ApiToken.objects.usable().filter(user=request.user).count() >= tokens.MAX_TOKENS:
            form.is_valid()
            form.add_error(None, _("Vous avez déjà %(count)s jetons valables : révoquez-en un avant d'en créer "
                                   "un autre.") % {"count": tokens.MAX_TOKENS})
        elif form.is_valid():
            data = form.cleaned_data
            created = tokens.create_token(request.user, name=data["name"], scopes=data["scopes"],
                                          lifetime_days=data["lifetime"] or None)
            form = TokenForm()
        if created is None:
            status = 400
    listed = list(ApiToken.objects.filter(user=request.user)[:LISTED_TOKENS])
    response = render(request, "api/tokens.html", {
        "form": form, "created": created, "tokens": listed,
        "scopes": tokens.known_scopes(),
    }, status=status)
    response["Cache-Control"] = "no-store"  # the page may show a raw token once
    return response


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404
    if tokens.revoke_token(request.user, token_id):
        messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api_tokens:tokens")
