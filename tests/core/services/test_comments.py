"""Comments: threads, sanitising, edit window, deletion with a placeholder."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from core.comments.models import Comment
from core.comments.services import delete_comment, edit_comment, post_comment, thread
from core.moderation.models import ModerationReason
from core.moderation.services import decide

XSS = [
    '<script>alert(1)</script>Bonjour',
    '<img src=x onerror=alert(1)>Bonjour',
    '<a href="javascript:alert(1)">Bonjour</a>',
    '<svg onload=alert(1)><circle/></svg>Bonjour',
    '<a href="JaVaScRiPt:alert(1)">Bonjour</a>',
    '<iframe src="https://evil.example"></iframe>Bonjour',
    '<p style="background:url(javascript:alert(1))">Bonjour</p>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Bonjour</a>',
]


@pytest.mark.parametrize("payload", XSS)
def test_comment_html_is_sanitised(suggestion, author, payload):
    comment = post_comment(suggestion, author=author, body=payload)
    body = comment.body.lower()
    for forbidden in ("<script", "onerror", "javascript:", "<svg", "onload", "<iframe", "style=", "data:text"):
        assert forbidden not in body
    assert "bonjour" in body


def test_allowed_formatting_and_safe_links_are_kept(suggestion, author):
    comment = post_comment(suggestion, author=author, body='<strong>Oui</strong>\n<a href="https://example.org">lien</a>')
    assert "<strong>Oui</strong><br>" in comment.body
    assert 'href="https://example.org"' in comment.body and 'rel="nofollow noopener noreferrer ugc"' in comment.body


@pytest.mark.parametrize("body", ["", "   ", "<p></p>", "<script>x</script>", "x" * 5001])
def test_empty_or_oversized_comments_are_refused(suggestion, author, body):
    with pytest.raises(ValidationError):
        post_comment(suggestion, author=author, body=body)
    assert not Comment.objects.exists()


def test_comments_on_hidden_contributions_are_refused(suggestion, author, moderator):
    decide(suggestion, "hide", moderator=moderator, reason=ModerationReason.objects.get(code="spam", organisation=None))
    suggestion.refresh_from_db()
    with pytest.raises(PermissionDenied):
        post_comment(suggestion, author=author, body="Encore là ?")


def test_thread_order_depth_and_reply_notification(suggestion, author, other_citizen, django_capture_on_commit_callbacks):
    from django.core import mail

    root = post_comment(suggestion, author=author, body="Racine")
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_comment(suggestion, author=other_citizen, body="Réponse", parent=root)
    later = post_comment(suggestion, author=author, body="Plus tard")
    deep = reply
    for i in range(6):
        deep = post_comment(suggestion, author=author, body=f"Profond {i}", parent=deep)
    ordered = thread(suggestion)
    assert [c.pk for c, _ in ordered[:3]] == [root.pk, reply.pk, ordered[2][0].pk]
    assert ordered[-1][0] == later and ordered[-1][1] == 0
    assert max(depth for _, depth in ordered) == 4
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_reply_to_a_comment_of_another_contribution_is_refused(suggestion, space, author):
    from core.contributions.services import register_contribution

    other = register_contribution(plugin="suggestions", kind="suggestion", space=space, title="Autre")
    foreign = post_comment(other, author=author, body="Ailleurs")
    with pytest.raises(ValidationError):
        post_comment(suggestion, author=author, body="x", parent=foreign)


def test_edit_window(suggestion, author, other_citizen):
    comment = post_comment(suggestion, author=author, body="Premier jet")
    edit_comment(comment, by=author, body="Version corrigée")
    assert comment.body == "Version corrigée" and comment.edited_at is not None
    with pytest.raises(PermissionDenied):
        edit_comment(comment, by=other_citizen, body="Pirate")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        with pytest.raises(PermissionDenied):
            edit_comment(comment, by=author, body="Trop tard")


def test_deleted_comment_keeps_its_place_as_a_placeholder(client, suggestion, author, other_citizen):
    root = post_comment(suggestion, author=author, body="Je supprimerai ceci")
    post_comment(suggestion, author=other_citizen, body="Une réponse qui reste", parent=root)
    with pytest.raises(PermissionDenied):
        delete_comment(root, by=other_citizen)
    client.force_login(author)
    assert client.post(f"/comments/{root.pk}/delete/").status_code == 302
    root.refresh_from_db()
    assert root.body == "" and root.is_deleted
    page = Client().get(suggestion.get_absolute_url()).content.decode()
    assert "Commentaire supprimé par son auteur." in page
    assert "Une réponse qui reste" in page
    assert "Je supprimerai ceci" not in page


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("other_citizen", 403), ("author", 200)])
def test_edit_page_permissions(request, client, suggestion, author, who, status):
    comment = post_comment(suggestion, author=author, body="Texte")
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(f"/comments/{comment.pk}/edit/").status_code == status
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Changé"})
    comment.refresh_from_db()
    assert (comment.body == "Changé") is (who == "author")
    assert response.status_code == (302 if who in (None, "author") else 403)


def test_comment_endpoints_need_csrf(suggestion, author):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(author)
    assert strict.post(f"/comments/on/{suggestion.pk}/", {"body": "Bonjour"}).status_code == 403
    assert not Comment.objects.exists()


def test_comment_form_errors_are_shown_not_500(client, suggestion, author):
    client.force_login(author)
    response = client.post(f"/comments/on/{suggestion.pk}/", {"body": "   "}, follow=True)
    assert response.status_code == 200
    assert "Votre commentaire est vide." in response.content.decode()
