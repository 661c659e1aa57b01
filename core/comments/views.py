from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.comments import services
from core.comments.models import Comment
from core.contributions.views import visible_contribution
from core.hosts import serve_here


class CommentForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _anchor(comment: Comment) -> str:
    return f"{comment.contribution.get_absolute_url()}#comment-{comment.pk}"


@require_POST
@login_required
def post(request, contribution_pk: int):
    contribution = visible_contribution(request, contribution_pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Votre commentaire est vide."))
        return redirect(contribution.get_absolute_url())
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], contribution=contribution).first()
        if parent is None:
            messages.error(request, _("Le commentaire auquel vous répondez n'existe plus."))
            return redirect(contribution.get_absolute_url())
    try:
        comment = services.post_comment(contribution, author=request.user, body=form.cleaned_data["body"], parent=parent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(contribution.get_absolute_url())
    messages.success(request, _("Votre commentaire est publié."))
    return redirect(_anchor(comment))


@login_required
def edit(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("contribution__space"), pk=pk)
    serve_here(request, comment.contribution.space)
    if not services.can_edit(comment, request.user):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body.replace("<br>\n", "\n")})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            messages.success(request, _("Votre commentaire est modifié."))
            return redirect(_anchor(comment))
    return render(request, "comments/edit.html", {"form": form, "comment": comment})


@require_POST
@login_required
def delete(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("contribution__space"), pk=pk)
    serve_here(request, comment.contribution.space)
    services.delete_comment(comment, by=request.user)
    messages.success(request, _("Votre commentaire est supprimé."))
    return redirect(_anchor(comment))
