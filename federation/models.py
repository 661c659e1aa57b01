"""What federation stores: actors and their keys, follows, activities, deliveries, policies.

Local actors (the instance, one ``Group`` per space, one ``Person`` per named official) and
remote actors (cached documents) share one table, told apart by ``is_local``. The wire format
is built in :mod:`federation.documents` and in each plugin's ``federation.py``, not here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Actor(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "Application", _("instance")
        GROUP = "Group", _("espace")
        PERSON = "Person", _("personne")
        SERVICE = "Service", _("service")
        ORGANIZATION = "Organization", _("organisation")

    uri = models.URLField(_("identifiant"), max_length=500, unique=True)
    is_local = models.BooleanField(default=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    # Local actors: the handle part before "@" (unique among local actors).
    username = models.CharField(_("nom d'utilisateur"), max_length=100, blank=True)
    domain = models.CharField(_("domaine"), max_length=255)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    space = models.OneToOneField(
        "core.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="federation_actor"
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="federation_actors",
    )
    # Remote actors: where to deliver, and their last fetched document.
    inbox = models.URLField(max_length=500, blank=True)
    shared_inbox = models.URLField(max_length=500, blank=True)
    document = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    # A remote actor that blocked one of ours, or one an operator blocked.
    blocked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acteur fédéré")
        verbose_name_plural = _("acteurs fédérés")
        constraints = [
            models.UniqueConstraint(
                fields=["username"], condition=Q(is_local=True), name="federation_local_username"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_local=True, kind="Application"),
                name="federation_one_instance_actor",
            ),
        ]
        indexes = [models.Index(fields=["domain"])]

    def __str__(self) -> str:
        return f"{self.username or self.uri}@{self.domain}" if self.username else self.uri

    @property
    def handle(self) -> str:
        return f"{self.username}@{self.domain}"

    @property
    def delivery_inbox(self) -> str:
        """The shared inbox when the actor's server has one (one POST per server)."""
        return self.shared_inbox or self.inbox


class KeyPair(models.Model):
    """An RSA key of an actor. Local keys keep their private half, encrypted at rest.

    Rotation retires the current key and creates a new one; a retired key stays published
    (and accepted) until ``expires_at``, so that activities signed just before the rotation
    still verify.
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="keys")
    key_id = models.URLField(max_length=600, unique=True)
    public_pem = models.TextField()
    private_pem_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clé")
        verbose_name_plural = _("clés")
        constraints = [
            models.UniqueConstraint(
                fields=["actor"], condition=Q(retired_at__isnull=True), name="federation_one_current_key"
            )
        ]

    def __str__(self) -> str:
        return self.key_id


class Follow(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("en attente d'approbation")
        ACCEPTED = "accepted", _("acceptée")
        REJECTED = "rejected", _("refusée")

    follower = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="following")
    followed = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="followers")
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    # The id of the Follow activity, so that an Undo can name it.
    activity_uri = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="federation_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.follower} → {self.followed} ({self.state})"


class Activity(models.Model):
    """An activity we published (outbox) or accepted (inbox). ``uri`` is unique: an inbound
    activity seen twice is a no-op."""

    class Direction(models.TextChoices):
        OUTBOX = "out", _("envoyée")
        INBOX = "in", _("reçue")

    class State(models.TextChoices):
        RECEIVED = "received", _("reçue")
        PROCESSED = "processed", _("traitée")
        IGNORED = "ignored", _("ignorée")
        FAILED = "failed", _("en échec")
        PUBLISHED = "published", _("publiée")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uri = models.URLField(max_length=500, unique=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="activities")
    object_uri = models.URLField(max_length=500, blank=True)
    payload = models.JSONField()
    is_public = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        indexes = [
            models.Index(fields=["actor", "direction", "-created_at"]),
            models.Index(fields=["object_uri"]),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.uri}"


class Delivery(models.Model):
    """One POST of one outbox activity to one inbox (shared inboxes counted once)."""

    class State(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENDING = "sending", _("en cours")
        DELIVERED = "delivered", _("remise")
        GAVE_UP = "gave_up", _("abandonnée")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=500)
    host = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remise")
        verbose_name_plural = _("remises")
        constraints = [
            models.UniqueConstraint(fields=["activity", "inbox"], name="federation_delivery_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.inbox} ({self.state})"


class HostHealth(models.Model):
    """The circuit breaker of one remote host: after repeated failures, deliveries to it wait."""

    host = models.CharField(max_length=255, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("état d'un serveur distant")
        verbose_name_plural = _("états des serveurs distants")

    def __str__(self) -> str:
        return self.host


class Policy(models.Model):
    """How the instance (``space`` empty) or one space federates."""

    class Mode(models.TextChoices):
        OFF = "off", _("désactivée")
        PUBLISH_ONLY = "publish_only", _("publication seule")
        ALLOWLIST = "allowlist", _("instances partenaires seulement")
        OPEN = "open", _("ouverte, sauf instances bloquées")

    space = models.OneToOneField(
        "core.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="federation_policy",
        verbose_name=_("espace"), help_text=_("Vide : la règle de toute l'instance."),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ALLOWLIST)

    class Meta:
        verbose_name = _("règle de fédération")
        verbose_name_plural = _("règles de fédération")
        constraints = [
            # At most one instance-wide rule (a space has at most one through the one-to-one).
            models.UniqueConstraint(Coalesce("space", Value(0)), name="federation_one_policy_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.space or 'instance'}: {self.mode}"


class DomainRule(models.Model):
    """A remote server the instance allows (a partner, in allowlist mode) or blocks."""

    class Kind(models.TextChoices):
        ALLOW = "allow", _("partenaire autorisé")
        BLOCK = "block", _("bloqué")

    domain = models.CharField(_("domaine"), max_length=255, unique=True)
    kind = models.CharField(_("règle"), max_length=5, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("règle par domaine")
        verbose_name_plural = _("règles par domaine")

    def __str__(self) -> str:
        return f"{self.domain}: {self.kind}"

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class PolicyChange(models.Model):
    """The audit log of the federation's settings: who changed a policy or a domain rule, or
    decided on an instance agreement, when, and what (kept when the person's account is
    erased, without the link to it)."""

    class Action(models.TextChoices):
        POLICY = "policy", _("règle de fédération modifiée")
        DOMAIN_RULE = "domain_rule", _("règle par domaine ajoutée ou modifiée")
        DOMAIN_RULE_REMOVED = "domain_rule_removed", _("règle par domaine retirée")
        AGREEMENT_APPROVED = "agreement_approved", _("accord entre instances approuvé")
        AGREEMENT_REJECTED = "agreement_rejected", _("accord entre instances refusé")

    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    # What changed, in the operator's words: "instance: allowlist → open", "partner.example: block".
    summary = models.CharField(_("changement"), max_length=500)
    details = models.JSONField(default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("par"),
    )
    changed_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification de la fédération")
        verbose_name_plural = _("journal de la fédération")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.summary


class RemoteObject(models.Model):
    """A public object (a petition ``Page``, a ``Question``...) published by a remote actor
    one of ours follows, mirrored for the page of partners' publications. Only what is shown
    is kept; the object's own server stays the reference (``url``)."""

    uri = models.URLField(max_length=500, unique=True)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="mirrored_objects")
    type = models.CharField(max_length=40)
    name = models.CharField(max_length=300, blank=True)
    content = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=40, blank=True)
    document = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication d'une instance partenaire")
        verbose_name_plural = _("publications des instances partenaires")
        indexes = [models.Index(fields=["-updated_at"])]

    def __str__(self) -> str:
        return self.name or self.uri

    @property
    def signature_count(self) -> int | None:
        counts = self.document.get("signatureCounts")
        if not isinstance(counts, list):
            return None
        return sum(c.get("count", 0) for c in counts if isinstance(c, dict) and isinstance(c.get("count"), int))


class Support(models.Model):
    """A remote actor's ``Like`` of one of our public objects: a fediverse support, shown
    apart and never counted as a signature or a vote (the remote actor proved no identity
    and no residence)."""

    object_uri = models.URLField(max_length=500)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="supports")
    activity_uri = models.URLField(max_length=500, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien du fédivers")
        verbose_name_plural = _("soutiens du fédivers")
        constraints = [
            models.UniqueConstraint(fields=["object_uri", "actor"], name="federation_one_support_per_actor"),
        ]
        indexes = [models.Index(fields=["object_uri"])]

    def __str__(self) -> str:
        return f"{self.actor} → {self.object_uri}"


class PartnerParticipation(models.Model):
    """A signature a person of this instance sent to a partner instance's petition
    (:mod:`federation.partners`): the partner counts it; this row tells the person what became
    of it."""

    class State(models.TextChoices):
        SENT = "sent", _("envoyée, en attente de réponse")
        ACCEPTED = "accepted", _("comptée par l'instance partenaire")
        REFUSED = "refused", _("refusée par l'instance partenaire")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    remote_object = models.ForeignKey(RemoteObject, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    object_uri = models.URLField(max_length=500)
    title = models.CharField(_("titre"), max_length=300, blank=True)
    partner_domain = models.CharField(_("instance partenaire"), max_length=255)
    activity_uri = models.URLField(max_length=500, unique=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.SENT)
    reason = models.CharField(_("raison"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature chez une instance partenaire")
        verbose_name_plural = _("signatures chez des instances partenaires")
        constraints = [
            models.UniqueConstraint(fields=["user", "object_uri"], name="federation_one_partner_signature"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.object_uri} ({self.partner_domain})"
