"""Pages: the inbox, preferences, one-click unsubscribe, follow buttons, agents' messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.contributions.models import Contribution
from core.hosts import serve_here
from core.models import Space
from core.notifications import services
from core.notifications.forms import PreferencesForm, SpaceMessageForm
from core.notifications.models import EmailMode, NotificationPreference
from core.notifications.tokens import ALL_KINDS, ExpiredToken, InvalidToken, read_token
from core.permissions import has_role

PAGE_SIZE = 25
TARGET_MODELS = {"space": Space, "contribution": Contribution}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, unread ones marked."""
    notifications = request.user.notifications.order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = services.notification_kinds()
    for notification in page.object_list:
        declared = kinds.get(notification.kind)
        notification.kind_label = declared.label if declared else ""
    latest = notifications.aggregate(latest=Max("pk"))["latest"]
    return render(request, "notifications/inbox.html", {"page": page, "latest_id": latest})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification read (up to the newest one the page showed)."""
    unread = request.user.notifications.filter(read_at__isnull=True)
    up_to = request.POST.get("up_to", "")
    if up_to.isdigit():
        unread = unread.filter(pk__lte=int(up_to))
    count = unread.update(read_at=timezone.now())
    messages.success(
        request,
        ngettext("%(count)d notification marquée comme lue.",
                 "%(count)d notifications marquées comme lues.", count) % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """E-mail mode, muted kinds, and what the person follows."""
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        kinds=services.notification_kinds(),
        preference=NotificationPreference.for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("notifications:preferences")
    follows = request.user.follows.select_related("space", "contribution").order_by("-created_at")
    return render(request, "notifications/preferences.html", {"form": form, "follows": follows})


def _invalid_token(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request, "notifications/unsubscribe_invalid.html", {"expired": expired}, status=400
    )


# One-click unsubscribe (RFC 8058): mail clients POST "List-Unsubscribe=One-Click" to the
# address of the List-Unsubscribe header without any cookie or CSRF token. The signed token in
# the URL is what authorises the request, and all it can do is stop e-mails, so CSRF protection
# is lifted for this view only. GET never changes anything: link scanners only fetch pages.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) then apply (POST) an unsubscribe link; no login needed."""
    try:
        unsubscription = read_token(token)
    except ExpiredToken:
        return _invalid_token(request, expired=True)
    except InvalidToken:
        return _invalid_token(request, expired=False)
    user = get_user_model().objects.filter(pk=unsubscription.user_id).first()
    if user is None:
        return _invalid_token(request, expired=False)
    kind = unsubscription.kind
    declared = services.notification_kinds().get(kind)
    context = {"all": kind == ALL_KINDS, "kind_label": declared.label if declared else kind}
    if request.method == "POST":
        preference, _created = NotificationPreference.objects.get_or_create(user=user)
        if kind == ALL_KINDS:
            preference.email_mode = EmailMode.NEVER
        elif kind not in preference.muted_kinds:
            preference.muted_kinds = [*preference.muted_kinds, kind]
        preference.save()
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


def target_url(target) -> str:
    """Where a space or contribution is shown (a contribution's space if it has no page)."""
    try:
        return target.get_absolute_url()
    except NoReverseMatch:
        return target.space.get_absolute_url()


def _can_follow(target) -> bool:
    if isinstance(target, Space):
        return target.is_published
    if not Contribution.objects.public().filter(pk=target.pk).exists():
        return False
    spec = target.kind_spec
    return spec is None or spec.followable


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@login_required
@require_POST
def follow(request: HttpRequest, target_type: str, pk: int) -> HttpResponse:
    """Follow or stop following a space or a contribution, then go back to ``next``."""
    model = TARGET_MODELS.get(target_type)
    if model is None:
        raise Http404
    target = get_object_or_404(model, pk=pk)
    serve_here(request, target if isinstance(target, Space) else target.space)
    following = services.is_following(request.user, target)
    # Someone may stop following what has since been hidden; nobody may start following it.
    if not following and not _can_follow(target):
        raise Http404
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        action = "unfollow" if following else "follow"
    if action == "follow":
        services.follow(request.user, target)
        messages.success(request, _("Vous suivez désormais « %(title)s ».") % {"title": target})
    else:
        services.unfollow(request.user, target)
        messages.success(request, _("Vous ne suivez plus « %(title)s ».") % {"title": target})
    return redirect(_safe_next(request, target_url(target)))


@login_required
def space_message(request: HttpRequest, slug: str) -> HttpResponse:
    """Agents and administrators of a space's organisations write to all its followers."""
    space = get_object_or_404(Space, slug=slug)
    serve_here(request, space)
    if not has_role(request.user, space, ["agent", "admin"]):
        raise PermissionDenied
    form = SpaceMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        count = services.notify_followers(
            space, "core.space_message", title=form.cleaned_data["title"],
            body=form.cleaned_data["message"], url=space.get_absolute_url(),
        )
        messages.success(
            request,
            ngettext("Message envoyé à %(count)d personne.",
                     "Message envoyé à %(count)d personnes.", count) % {"count": count},
        )
        return redirect(reverse("notifications:space_message", kwargs={"slug": space.slug}))
    context = {"space": space, "form": form, "followers": services.followers_of(space).count()}
    return render(request, "notifications/space_message.html", context)
