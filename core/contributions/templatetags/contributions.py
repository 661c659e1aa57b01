"""``{% contribution_panel contribution %}``: status, answers, moderation and comments.

Plugins put this one tag on their contribution pages to offer every shared service.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.comments.services import can_edit, thread
from core.contributions.forms import AnswerForm, StatusForm
from core.contributions.services import ANSWER_ROLES
from core.moderation.models import ModerationDecision
from core.moderation.services import MODERATOR_ROLES
from core.permissions import roles_of
from core.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

register = template.Library()


class _RichText(HTMLParser):
    """Re-writes stored rich text with every character escaped that HTML can escape.

    The stored HTML was cleaned (``core.richtext``), but its serialiser leaves quotes as they
    are in text: harmless in an element's content, yet the author's text then appears in the
    page exactly as typed. Tags and attributes outside the allow-list are dropped as well.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        attributes = "".join(f' {name}="{escape(value or "")}"' for name, value in attrs if name in allowed)
        self.parts.append(f"<{tag}{attributes}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ALLOWED_TAGS and tag != "br":
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(escape(data))


@register.filter
def rich_text(html: str) -> SafeString:
    """Stored rich text (comments, official answers), ready to show: ``{{ body|rich_text }}``."""
    parser = _RichText()
    parser.feed(html or "")
    parser.close()
    return mark_safe("".join(parser.parts))  # noqa: S308 - allow-listed tags, everything else escaped


def hidden_reasons(contribution, comments) -> dict[tuple[str, int], str]:
    """The public reason of the latest 'hide' decision of each hidden item, in one query."""
    hidden_comment_ids = [c.pk for c in comments if c.is_hidden]
    if not contribution.is_hidden and not hidden_comment_ids:
        return {}
    reasons: dict[tuple[str, int], str] = {}
    decisions = (
        ModerationDecision.objects.filter(action=ModerationDecision.Action.HIDE)
        .filter(contribution=contribution) | ModerationDecision.objects.filter(
            action=ModerationDecision.Action.HIDE, comment_id__in=hidden_comment_ids)
    ).select_related("reason").order_by("decided_at", "pk")
    for decision in decisions:
        key = ("comment", decision.comment_id) if decision.comment_id else ("contribution", decision.contribution_id)
        reasons[key] = decision.reason.label if decision.reason else ""
    return reasons


@register.inclusion_tag("contributions/panel.html", takes_context=True)
def contribution_panel(context, contribution):
    request = context["request"]
    user = request.user
    spec = contribution.kind_spec
    roles = {"admin", "moderator", "agent", "official"} if user.is_superuser else roles_of(user, contribution)
    comments = thread(contribution) if spec and spec.commentable else []
    reasons = hidden_reasons(contribution, [c for c, _depth in comments])
    can_change_status = bool(spec and roles & set(spec.workflow.roles) and spec.workflow.transitions.get(contribution.status))
    return {
        "request": request,
        "user": user,
        "contribution": contribution,
        "spec": spec,
        "status_changes": [
            {"change": change, "label": spec.workflow.state(change.new_status).label
             if spec and spec.workflow.state(change.new_status) else change.new_status}
            for change in contribution.status_changes.all()
        ],
        "answers": list(contribution.answers.all()),
        "comments": [
            {"comment": c, "depth": d, "editable": can_edit(c, user),
             "hidden_reason": reasons.get(("comment", c.pk), "")}
            for c, d in comments
        ],
        "hidden_reason": reasons.get(("contribution", contribution.pk), ""),
        "is_moderator": bool(roles & set(MODERATOR_ROLES)),
        "status_form": StatusForm(contribution=contribution) if can_change_status else None,
        "answer_form": AnswerForm() if roles & set(ANSWER_ROLES) else None,
        "csrf_token": context.get("csrf_token"),
    }
