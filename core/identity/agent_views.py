"""Agents' pages (role agent or admin of the organisation): census upload, verification at the
desk, postal letters, and the conflicts queue."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.hosts import serve_here
from core.identity import services
from core.identity.forms import (
    CensusUploadForm,
    InPersonForm,
    PostalLettersForm,
    ResolveConflictForm,
)
from core.identity.models import ConflictCase, OneTimeCode, Verification
from core.models import Organisation, User
from core.permissions import has_role

AGENT_ROLES = ("agent", "admin")
QUEUE_PAGE_SIZE = 50


def _organisation_for_agent(request, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    if not has_role(request.user, organisation, AGENT_ROLES):
        raise PermissionDenied
    return organisation


@never_cache
@login_required
def census_upload(request, slug: str):
    organisation = _organisation_for_agent(request, slug)
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        result = services.import_census(
            organisation, upload.read(), uploaded_by=request.user, kind=data["kind"],
            area_name=data["area_name"] or organisation.name,
            purge_after=timezone.now() + timedelta(days=data["retention_days"]),
        )
        if result.census is not None:
            messages.success(request, _("La liste de %(count)d personnes est en place ; elle "
                                        "remplace la précédente.") % {"count": result.census.row_count})
            return redirect("identity:census_upload", slug=organisation.slug)
        report = result.report
    current = services.current_list(organisation)
    claimed = current.entries.filter(claimed_by__isnull=False).count() if current else 0
    return render(request, "identity/agents/census_upload.html", {
        "organisation": organisation, "form": form, "report": report, "current": current,
        "claimed": claimed,
    })


@never_cache
@login_required
def in_person(request, slug: str):
    """Find an account by its exact e-mail address; verify it, or hand over a code."""
    organisation = _organisation_for_agent(request, slug)
    email = (request.GET.get("email") or "").strip().lower()[:254]
    account = User.objects.filter(email=email).first() if email else None
    form = InPersonForm(request.POST or None, initial={"email": email})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = User.objects.filter(email=(data["email"] or "").lower()).first() if data["email"] else None
        if data["email"] and target is None:
            form.add_error("email", _("Aucun compte n'a cette adresse."))
        elif data["action"] == "verify":
            services.verify_in_person(request.user, organisation, target, areas=form.area_list,
                                      birth_date=data["birth_date"], membership=data["membership"])
            messages.success(request, _("Le compte %(email)s est vérifié.") % {"email": target.email})
            return redirect(f"{request.path}?{urlencode({'email': target.email})}")
        else:
            code, row = services.issue_code(
                OneTimeCode.Kind.IN_PERSON, organisation, issued_by=request.user, user=target,
                attributes=services.code_attributes(areas=form.area_list,
                                                    birth_date=data["birth_date"],
                                                    membership=data["membership"]),
            )
            return render(request, "identity/agents/code_issued.html",
                          {"organisation": organisation, "code": code, "row": row, "account": target})
    verifications = (Verification.objects.active().filter(user=account, organisation=organisation)
                     if account else [])
    return render(request, "identity/agents/in_person.html", {
        "organisation": organisation, "form": form, "email": email, "account": account,
        "verifications": verifications,
    })


@never_cache
@login_required
def postal_letters(request, slug: str):
    """Type or paste addresses; get a printable batch of letters, each with its own code."""
    organisation = _organisation_for_agent(request, slug)
    form = PostalLettersForm(request.POST or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        letters, errors = services.parse_letters(form.cleaned_data["letters"])
        if not errors:
            errors = services.create_postal_letters(request.user, organisation, letters)
        if not errors:
            # never_cache marks the page no-store: codes and addresses are shown once.
            return render(request, "identity/agents/letters_print.html",
                          {"organisation": organisation, "letters": letters,
                           "today": timezone.localdate()})
    return render(request, "identity/agents/postal_letters.html",
                  {"organisation": organisation, "form": form, "errors": errors})


@never_cache
@login_required
def conflicts(request, slug: str):
    organisation = _organisation_for_agent(request, slug)
    show_resolved = request.GET.get("resolved") == "1"
    cases = (ConflictCase.objects.filter(organisation=organisation, resolved_at__isnull=not show_resolved)
             .select_related("claimant", "holder", "entry", "resolved_by")
             .order_by("-created_at" if show_resolved else "created_at", "pk"))
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "identity/agents/conflicts.html", {
        "organisation": organisation, "page": page, "show_resolved": show_resolved,
        "form": ResolveConflictForm(),
    })


@require_POST
@login_required
def resolve_conflict(request, slug: str, pk: int):
    organisation = _organisation_for_agent(request, slug)
    case = get_object_or_404(ConflictCase, pk=pk, organisation=organisation)
    form = ResolveConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une décision."))
    else:
        try:
            services.resolve_conflict(case, form.cleaned_data["resolution"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("La décision est enregistrée."))
    return redirect("identity:conflicts", slug=organisation.slug)
