"""One row of every model that points to a person, all about one person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from core.models import Component, Role
from tests.conftest import make_user

PERSON_EMAIL = "personne@example.org"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


@pytest.fixture
def person(commune):
    user = make_user(PERSON_EMAIL, organisation=commune, role=Role.AGENT, display_name="Camille Martin")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _core_rows(person, commune, space):
    from core.comments.models import Comment
    from core.contributions.models import Contribution, OfficialAnswer, StatusChange
    from core.models import DataExport
    from core.moderation.models import ModerationDecision, ModerationReason, Report
    from core.notifications.models import Follow, Notification, NotificationPreference
    from core.participation.models import ParticipationRecord

    contribution = Contribution.objects.create(
        plugin="suggestions", kind="suggestion", space=space, author=person, title="Des bancs sur la place",
        status="open",
    )
    StatusChange.objects.create(contribution=contribution, old_status="open", new_status="answered", changed_by=person)
    OfficialAnswer.objects.create(contribution=contribution, organisation=commune, author=person, role="official",
                                  signature="Camille Martin, adjointe", body="Nous les installerons.")
    comment = Comment.objects.create(contribution=contribution, author=person, body="<p>Oui !</p>")
    reason = ModerationReason.objects.filter(organisation=None).first()
    Report.objects.create(comment=comment, reporter=person, reason=reason, message="Hors sujet")
    ModerationDecision.objects.create(contribution=contribution, organisation=commune, moderator=person,
                                      action="hide", reason=reason)
    Follow.objects.create(user=person, contribution=contribution)
    Notification.objects.create(recipient=person, kind="core.status_changed", title="Nouveau statut")
    NotificationPreference.objects.create(user=person)
    DataExport.objects.create(user=person)
    ParticipationRecord.objects.create(
        subject_key="petitions:petition:999", person_key="a" * 64, channel="paper", user=person,
        entered_by=person, withdrawn_by=person, invalidated_by=person,
    )


def _identity_rows(person, commune):
    from core.identity.models import (
        CensusEntry,
        CensusList,
        ConflictCase,
        OneTimeCode,
        Verification,
    )

    now = timezone.now()
    Verification.objects.create(user=person, method="email", proves=["email"], verified_by=person)
    census = CensusList.objects.create(organisation=commune, uploaded_by=person, purge_after=now + timedelta(days=30))
    entry = CensusEntry.objects.create(census=census, identity_hash="b" * 64, birth_date="1990-07-14",
                                       claimed_by=person, claimed_at=now)
    ConflictCase.objects.create(organisation=commune, entry=entry, holder=person, claimant=person, resolved_by=person)
    OneTimeCode.objects.create(kind="postal", selector="abcd1234", code_hash="c" * 64, organisation=commune,
                               user=person, issued_by=person, used_by=person, expires_at=now + timedelta(days=1))


def _petitions_rows(person, space):
    from plugins.petitions.models import Petition, PetitionSettings, Signature, Sponsor

    box = Component.objects.create(phase=space.phases.get(), component_type="petitions.petition_box", title="Pétitions")
    PetitionSettings.objects.create(component=box)
    petition = Petition.objects.create(component=box, author=person, title="Un éclairage économe", text="La nuit.")
    Sponsor.objects.create(petition=petition, user=person)
    Signature.objects.create(petition=petition, email=PERSON_EMAIL, email_domain="example.org", name="Camille Martin",
                             token_hash="d" * 64)


def _budget_rows(person, space):
    from core.participation.models import ParticipationRecord
    from plugins.participatory_budget.models import Ballot, Budget, Project

    component = Component.objects.create(phase=space.phases.get(), component_type="participatory_budget.budget",
                                         title="Budget participatif")
    budget = Budget.objects.create(component=component, citywide_envelope=10_000)
    project = Project.objects.create(budget=budget, author=person, title="Un jardin partagé", description="Derrière l'école.")
    record = ParticipationRecord.objects.create(subject_key=budget.subject_key, person_key="e" * 64, channel="web",
                                                user=person)
    Ballot.objects.create(budget=budget, record=record, channel="web", choice=[project.ballot_id])


def _qa_rows(person, commune, space):
    from plugins.qa_elus.models import Answer, Delegation, Official, Question

    box = Component.objects.create(phase=space.phases.get(), component_type="qa_elus.questions", title="Questions")
    mayor = Official.objects.create(organisation=commune, name="Claire Dupont", role="maire", opted_in=True)
    Official.objects.create(organisation=commune, user=person, name="Camille Martin", role="adjointe", opted_in=True)
    Delegation.objects.create(official=mayor, staff=person)
    question = Question.objects.create(organisation=commune, component=box, official=mayor, author=person,
                                       display_name="Camille M.", title="Les horaires de la mairie",
                                       text="Ouvrir le samedi ?", state=Question.State.ANSWERED)
    Answer.objects.create(question=question, official=mayor, written_by=person, writer_name="Camille Martin",
                          signature="Claire Dupont, maire", body="<p>Oui, dès mars.</p>", fingerprint="f" * 64)


def _api_rows(person):
    from core.api.tokens import create_token

    create_token(person, name="Script de la mairie", scopes=["read"])


def _federation_rows(person):
    from federation.models import Actor, Follow, PartnerParticipation, PolicyChange

    profile = Actor.objects.create(uri="http://testserver/federation/actors/camille", is_local=True, kind="Person",
                                   username="camille", domain="testserver", user=person)
    peer = Actor.objects.create(uri="https://partner.example/actor", kind="Application", domain="partner.example")
    Follow.objects.create(follower=peer, followed=profile, state="accepted", decided_by=person)
    PolicyChange.objects.create(action="domain_rule", summary="spam.example: - → block", changed_by=person)
    PartnerParticipation.objects.create(
        user=person, object_uri="https://partner.example/federation/objects/petitions/petition/3",
        title="Une piste cyclable", partner_domain="partner.example",
        activity_uri="http://testserver/federation/activities/0b1f2c3d-0000-4000-8000-000000000001")


def _third_party_rows(person):
    from wagtail.admin.models import EditingSession, FormState
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import (
        APIToken,
        Comment,
        CommentReply,
        ModelLogEntry,
        Page,
        PageLogEntry,
        PageSubscription,
        Revision,
        Task,
        TaskState,
        UploadedFile,
        Workflow,
        WorkflowState,
    )
    from wagtail.users.models import UserProfile

    now = timezone.now()
    page = Page.objects.get(depth=1)
    page_type = ContentType.objects.get_for_model(Page)
    Page.objects.filter(pk=page.pk).update(owner=person, locked_by=person)
    UserProfile.get_for_user(person)
    LogEntry.objects.create(user=person, content_type=page_type, object_id=str(page.pk), object_repr="Root",
                            action_flag=ADDITION)
    PageLogEntry.objects.create(page=page, content_type=page_type, label="Root", action="wagtail.edit", user=person,
                                timestamp=now)
    ModelLogEntry.objects.create(content_type=page_type, label="Root", action="wagtail.edit", object_id=str(page.pk),
                                 user=person, timestamp=now)
    revision = Revision.objects.create(content_type=page_type, base_content_type=page_type, object_id=str(page.pk),
                                       content={}, user=person, created_at=now)
    comment = Comment.objects.create(page=page, user=person, text="À revoir", contentpath="title", resolved_by=person)
    CommentReply.objects.create(comment=comment, user=person, text="D'accord")
    PageSubscription.objects.create(page=page, user=person, comment_notifications=True)
    workflow = Workflow.objects.create(name="Relecture")
    task = Task.objects.create(name="Relire")
    state = WorkflowState.objects.create(content_type=page_type, base_content_type=page_type, object_id=str(page.pk),
                                         workflow=workflow, status="in_progress", requested_by=person)
    TaskState.objects.create(workflow_state=state, revision=revision, task=task, status="approved", finished_by=person)
    Document.objects.create(title="Compte rendu", file=ContentFile(b"%PDF-1.4", name="cr.pdf"), uploaded_by_user=person)
    Image.objects.create(title="Place", file=ContentFile(GIF, name="place.gif"), width=1, height=1,
                         uploaded_by_user=person)
    UploadedFile.objects.create(file=ContentFile(b"x", name="x.txt"), uploaded_by_user=person)
    EditingSession.objects.create(user=person, content_type=page_type, object_id=str(page.pk), last_seen_at=now)
    FormState.objects.create(user=person, content_type=page_type, object_id=str(page.pk), parent_object_id="",
                             data="{}", last_updated_at=now)
    APIToken.create_token(user=person, name="Export")


@pytest.fixture
def everything(person, commune, space, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    _core_rows(person, commune, space)
    _identity_rows(person, commune)
    _petitions_rows(person, space)
    _budget_rows(person, space)
    _qa_rows(person, commune, space)
    _api_rows(person)
    _federation_rows(person)
    _third_party_rows(person)
    return person
