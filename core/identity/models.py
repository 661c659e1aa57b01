"""Verifications, census lists, conflicts, one-time codes and eligibility rules.

Data minimisation (see docs/identity.md): a verification keeps only what rules look at — the
areas of residence, the birth date, the organisation a membership is held in, the level of
assurance — never a name, a postal address or a copy of a document. Census lists keep a keyed
hash of each resident's name and birth date, their area and birth date, until purged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class IdentityLevel(models.IntegerChoices):
    NONE = 0, _("aucune vérification")
    EMAIL = 1, _("adresse électronique confirmée")
    MATCHED = 2, _("identité rapprochée d'une liste ou vérifiée par courrier")
    CHECKED = 3, _("identité contrôlée (au guichet ou par un fournisseur d'identité)")


class VerificationQuerySet(models.QuerySet):
    def active(self, at=None):
        """Verifications that hold at ``at`` (now by default): not revoked, not expired."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, verified_at__lte=at).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class Verification(models.Model):
    """What one account proved, by which method, until when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications"
    )
    method = models.CharField(_("méthode"), max_length=120)
    proves = models.JSONField(_("prouve"), default=list)
    areas = models.JSONField(_("lieux de résidence"), default=list, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("organisation"),
        help_text=_("L'organisation qui a vérifié (et dont la personne est membre, si la "
                    "vérification prouve une adhésion)."),
    )
    identity_level = models.PositiveSmallIntegerField(
        _("niveau d'identité"), choices=IdentityLevel.choices, default=IdentityLevel.NONE
    )
    # Keyed hash of an identity provider's subject, to refuse one identity on two accounts.
    subject_hash = models.CharField(max_length=64, blank=True, db_index=True)
    census_entry = models.ForeignKey(
        "identity.CensusEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("vérifiée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("valable jusqu'au"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("vérifiée par"),
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("vérification")
        verbose_name_plural = _("vérifications")
        ordering = ["-verified_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="verification_user_active")]

    def __str__(self) -> str:
        return f"{self.user} — {self.method}"


class CensusList(models.Model):
    """A list of residents (or members) uploaded by an agent; replaced by the next upload."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("habitants (recensement, liste électorale)")
        MEMBERS = "members", _("adhérents")

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="census_lists"
    )
    kind = models.CharField(_("type de liste"), max_length=20, choices=Kind.choices,
                            default=Kind.RESIDENTS)
    area_name = models.CharField(
        _("commune couverte"), max_length=200, blank=True,
        help_text=_("Les personnes de la liste sont reconnues comme résidentes de cette commune "
                    "en plus de leur secteur."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    purge_after = models.DateTimeField(_("à effacer après le"))
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("liste de recensement")
        verbose_name_plural = _("listes de recensement")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.uploaded_at:%Y-%m-%d})"


class CensusEntry(models.Model):
    """One person of a census list: a keyed hash of name and birth date, never the name."""

    census = models.ForeignKey(CensusList, on_delete=models.CASCADE, related_name="entries")
    identity_hash = models.CharField(max_length=64)
    area = models.CharField(max_length=200, blank=True)
    # Kept because age rules differ between spaces (16, 18...) and are judged at a date.
    birth_date = models.DateField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="census_claims",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set when agents resolved a conflict by verifying nobody: only the town hall can now.
    blocked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["census", "identity_hash"], name="census_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.census_id}:{self.identity_hash[:8]}"


class ConflictCase(models.Model):
    """A second account claimed an identity already claimed: agents decide."""

    class Resolution(models.TextChoices):
        KEEP = "keep", _("le premier compte garde la vérification")
        TRANSFER = "transfer", _("la vérification passe au nouveau compte")
        REVOKE = "revoke", _("aucun des deux comptes n'est vérifié")

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="identity_conflicts"
    )
    entry = models.ForeignKey(CensusEntry, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="conflicts")
    method = models.CharField(max_length=120, default="census")
    subject_hash = models.CharField(max_length=64, blank=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="identity_conflicts")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)

    class Meta:
        verbose_name = _("conflit d'identité")
        verbose_name_plural = _("conflits d'identité")
        indexes = [
            models.Index(fields=["organisation", "resolved_at", "created_at"],
                         name="conflict_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "method", "entry", "subject_hash", "claimant"],
                condition=Q(resolved_at__isnull=True), name="conflict_open_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} #{self.pk}"


class OneTimeCode(models.Model):
    """A code handed over at the town hall or mailed; only its keyed hash is stored.

    The first characters (``selector``) find the row; the rest is checked against
    ``code_hash`` in constant time. ``attributes`` keeps what redeeming proves (areas, birth
    date, membership), never the postal address.
    """

    class Kind(models.TextChoices):
        IN_PERSON = "in_person", _("remis au guichet")
        POSTAL = "postal", _("envoyé par courrier")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    selector = models.CharField(max_length=8, db_index=True)
    code_hash = models.CharField(max_length=64)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+",
                             help_text=_("Si renseigné, seul ce compte peut utiliser le code."))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    attributes = models.JSONField(default=dict)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.selector}…"


class EligibilityRule(models.Model):
    """Who may take part in a space or a component.

    Every condition filled in must hold. Several rules on the same space (or component) are
    alternatives: meeting one is enough. A component's rules apply on top of its space's.
    """

    label = models.CharField(_("intitulé"), max_length=200, blank=True,
                             help_text=_("Par exemple : résident de la commune, 16 ans ou plus."))
    space = models.ForeignKey("core.Space", verbose_name=_("espace"), on_delete=models.CASCADE,
                              null=True, blank=True, related_name="eligibility_rules")
    component = models.ForeignKey("core.Component", verbose_name=_("composant"),
                                  on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="eligibility_rules")
    residence_areas = models.TextField(_("lieux de résidence acceptés"), blank=True,
                                       help_text=_("Une commune, un quartier ou un code postal par "
                                                   "ligne. Vide : pas de condition."))
    min_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    membership_organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("adhésion requise à"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="+",
    )
    identity_level = models.PositiveSmallIntegerField(
        _("niveau d'identité minimum"), choices=IdentityLevel.choices, default=IdentityLevel.NONE
    )

    panels = [
        FieldPanel("label"),
        MultiFieldPanel([FieldPanel("space"), FieldPanel("component")],
                        heading=_("S'applique à (l'un ou l'autre)")),
        FieldPanel("residence_areas"),
        FieldPanel("min_age"),
        FieldPanel("membership_organisation"),
        FieldPanel("identity_level"),
    ]

    class Meta:
        verbose_name = _("règle d'éligibilité")
        verbose_name_plural = _("règles d'éligibilité")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(space__isnull=False, component__isnull=True)
                           | Q(space__isnull=True, component__isnull=False)),
                name="eligibility_rule_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(_("règle d'éligibilité n° %(pk)s") % {"pk": self.pk})

    def clean(self) -> None:
        if bool(self.space_id) == bool(self.component_id):
            raise ValidationError(_("Choisissez un espace ou un composant (un seul des deux)."))

    @property
    def area_list(self) -> list[str]:
        """The accepted areas as typed, one per line (commas also separate)."""
        text = self.residence_areas.replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]
