"""Petitions, their sponsors and their signatures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PetitionSettings(models.Model):
    """The rules of one petition box (a component placed in a phase of a space)."""

    component = models.OneToOneField(
        "core.Component", on_delete=models.CASCADE, related_name="petition_settings"
    )
    citizens_can_create = models.BooleanField(_("les habitants peuvent lancer une pétition"), default=True)
    sponsors_required = models.PositiveSmallIntegerField(
        _("soutiens requis avant modération"), default=0,
        help_text=_("Nombre de co-signataires (comptes) à réunir avant l'examen par la modération."),
    )
    answer_threshold = models.PositiveIntegerField(
        _("seuil de réponse obligatoire"), default=0, help_text=_("0 : pas de seuil.")
    )
    debate_threshold = models.PositiveIntegerField(
        _("seuil de débat en conseil"), default=0, help_text=_("0 : pas de seuil.")
    )
    duration_days = models.PositiveSmallIntegerField(_("durée de signature (jours)"), default=90)
    collect_postcode = models.BooleanField(_("demander le code postal"), default=False)
    postcode_required = models.BooleanField(
        _("code postal obligatoire"), default=True,
        help_text=_("Sinon, les signataires peuvent le laisser vide. Sans effet si le code postal n'est pas demandé."),
    )
    blocked_email_domains = models.TextField(
        _("domaines de messagerie refusés"), blank=True, help_text=_("Un domaine par ligne.")
    )

    class Meta:
        verbose_name = _("réglages des pétitions")
        verbose_name_plural = _("réglages des pétitions")

    def __str__(self) -> str:
        return str(self.component)

    @property
    def thresholds(self) -> list[tuple[str, int]]:
        return [(name, value) for name, value in (("answer", self.answer_threshold), ("debate", self.debate_threshold)) if value]


class PetitionQuerySet(models.QuerySet):
    def public(self):
        """The petitions everyone may see: the one rule of the list, the petition's page, the
        search, the API, the open data and federation.

        A petition is public once submitted, in every state of its life (awaiting sponsors,
        under review by the town, open, closed, answered, debated, rejected: each is shown with
        its state), as its registry row is (:meth:`ContributionQuerySet.public
        <core.contributions.models.ContributionQuerySet.public>`, the rule the search applies):
        not a draft (no registry row yet), not hidden by the moderators, not held for
        pre-moderation, in a published space. :attr:`Petition.is_public` says the same of one
        petition.
        """
        from core.contributions.models import Contribution

        return self.filter(contribution__in=Contribution.objects.public())


class Petition(models.Model):
    component = models.ForeignKey("core.Component", on_delete=models.CASCADE, related_name="petitions")
    # The shared registry row: public status, answers, comments, moderation, search. Empty
    # while the petition is a draft.
    contribution = models.OneToOneField(
        "contributions.Contribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="petition"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="petitions"
    )
    on_behalf_of_organisation = models.BooleanField(_("lancée par l'organisation"), default=False)
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte de la pétition"), max_length=10_000)
    category = models.CharField(_("thème"), max_length=80, blank=True)
    territory = models.CharField(_("territoire"), max_length=120, blank=True)
    image = models.ImageField(_("image"), upload_to="petitions/", blank=True)
    image_alt = models.CharField(_("description de l'image"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(_("date limite"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif public du refus"), blank=True)
    # Counters are written only by the periodic counting task, never per signature.
    count_web = models.PositiveIntegerField(default=0)
    count_paper = models.PositiveIntegerField(default=0)
    count_partner = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField(null=True, blank=True)
    recent_count = models.PositiveIntegerField(default=0)  # signatures in the last 24 h (trending)
    answer_threshold_reached_at = models.DateTimeField(null=True, blank=True)
    debate_threshold_reached_at = models.DateTimeField(null=True, blank=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("pétition")
        verbose_name_plural = _("pétitions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["component", "-created_at"]), models.Index(fields=["closes_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"pk": self.pk})

    @property
    def subject_key(self) -> str:
        """The key of this petition in the participation record and the ledger."""
        return f"petitions:petition:{self.pk}"

    @property
    def status(self) -> str:
        return self.contribution.status if self.contribution_id else "draft"

    @property
    def signature_count(self) -> int:
        return self.count_web + self.count_paper + self.count_partner

    @property
    def is_public(self) -> bool:
        """Whether everyone may see this petition (:meth:`PetitionQuerySet.public`)."""
        contribution = self.contribution
        return contribution is not None and contribution.is_public and contribution.space.is_published

    @property
    def is_open(self) -> bool:
        return self.status == "open" and (self.closes_at is None or timezone.now() < self.closes_at)


class Sponsor(models.Model):
    """An account that supports a petition before it goes to moderation (co-sponsor)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="sponsors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="sponsor_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.petition_id}"


class SignatureQuerySet(models.QuerySet):
    def counted(self):
        """The signatures that count (:attr:`Signature.counts`): confirmed, neither withdrawn
        nor invalidated."""
        return self.filter(confirmed_at__isnull=False, withdrawn_at__isnull=True, invalidated_at__isnull=True)


class Signature(models.Model):
    """An online signature. It counts once its e-mail link is confirmed; the participation
    record (one per person and petition, whatever the channel) is created then."""

    # No index of its own: the unique (petition, email) index serves lookups by petition. Each
    # index of this table is written by every signature (see Meta.constraints).
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures", db_index=False)
    email = models.EmailField(_("adresse électronique"))  # normalised
    email_domain = models.CharField(max_length=255)  # kept for fraud statistics
    name = models.CharField(_("nom"), max_length=150)
    show_name = models.BooleanField(_("afficher mon nom"), default=False)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    wants_updates = models.BooleanField(_("recevoir les suites"), default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    token_hash = models.CharField(max_length=64)  # unique: Meta.constraints
    # Set while the confirmation e-mail is still to be sent: the link is derived from it and the
    # instance's secret key (services.link_token); the sender empties it once the mail is out.
    # The row is the queue: signing writes nothing else anywhere.
    token_nonce = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation_reason = models.CharField(max_length=40, blank=True)
    record = models.OneToOneField(
        "participation.ParticipationRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        # Unique constraints rather than unique=True on the field, which would add on PostgreSQL a
        # second index for LIKE searches that no query makes.
        constraints = [
            models.UniqueConstraint(fields=["petition", "email"], name="signature_once_per_email"),
            models.UniqueConstraint(fields=["token_hash"], name="signature_token_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["petition", "confirmed_at"]),
            models.Index(fields=["petition", "email_domain"]),
            models.Index(fields=["created_at"], condition=Q(confirmed_at__isnull=True), name="signature_unconfirmed"),
            models.Index(fields=["id"], condition=~Q(token_nonce=""), name="signature_link_to_send"),
        ]

    def __str__(self) -> str:
        return f"Signature {self.pk} on {self.petition_id}"

    @property
    def counts(self) -> bool:
        return self.confirmed_at is not None and self.withdrawn_at is None and self.invalidated_at is None
