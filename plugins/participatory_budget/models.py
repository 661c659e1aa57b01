"""A participatory budget: its envelopes, the projects citizens propose, ballots and results.

A budget is a component (``participatory_budget.budget``) placed in a phase of a space. Its own
stage (submission → review → voting → results → implementation) is moved by the organisation's
agents; every move is kept with its date and shown publicly.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    SUBMISSION = "submission", _("dépôt des propositions")
    REVIEW = "review", _("étude de faisabilité")
    VOTING = "voting", _("vote")
    RESULTS = "results", _("résultats")
    IMPLEMENTATION = "implementation", _("réalisation")


STAGE_ORDER = [choice.value for choice in Stage]


class VoteType(models.TextChoices):
    APPROVAL = "approval", _("approbation (des projets au choix, nombre limité)")
    KNAPSACK = "knapsack", _("panier (des projets dans la limite de l'enveloppe)")
    CUMULATIVE = "cumulative", _("points à répartir")
    RANKED = "ranked", _("classement par ordre de préférence")
    CHOOSE_ONE = "choose-1", _("un seul projet")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("les plus soutenus d'abord, en sautant ce qui ne rentre plus")
    GREEDY_NO_SKIP = "greedy-no-skip", _("les plus soutenus d'abord, arrêt au premier projet qui ne rentre plus")
    MES = "mes", _("méthode des parts égales (répartition équitable entre votants)")


class Budget(models.Model):
    """The rules of one participatory budget (one component)."""

    component = models.OneToOneField("core.Component", on_delete=models.CASCADE, related_name="budget")
    currency = models.CharField(_("monnaie"), max_length=3, default="EUR")
    citywide_envelope = models.PositiveBigIntegerField(
        _("enveloppe pour toute la commune"), default=0,
        help_text=_("Montant pour les projets qui concernent toute la commune (0 : aucun)."),
    )
    stage = models.CharField(_("étape"), max_length=20, choices=Stage.choices, default=Stage.SUBMISSION)
    vote_type = models.CharField(_("type de vote"), max_length=20, choices=VoteType.choices,
                                 default=VoteType.KNAPSACK)
    max_projects = models.PositiveSmallIntegerField(
        _("nombre maximal de projets par bulletin"), default=0, help_text=_("0 : pas de limite."),
    )
    points = models.PositiveSmallIntegerField(
        _("points à répartir (vote par points)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    rule = models.CharField(_("règle de dépouillement"), max_length=20, choices=CountingRule.choices,
                            default=CountingRule.GREEDY)
    completion = models.BooleanField(
        _("compléter la méthode des parts égales"), default=True,
        help_text=_("Augmenter la part de chaque votant tant que le budget n'est pas dépensé, puis "
                    "financer les projets les plus soutenus qui rentrent encore."),
    )
    categories = models.TextField(_("thèmes"), blank=True, help_text=_("Un thème par ligne."))
    results = models.JSONField(null=True, blank=True, editable=False)
    results_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("budget participatif")
        verbose_name_plural = _("budgets participatifs")

    def __str__(self) -> str:
        return self.component.title

    def get_absolute_url(self) -> str:
        return reverse("participatory_budget:component", kwargs={"component_id": self.component_id})

    @property
    def subject_key(self) -> str:
        """The key of the vote in the participation record and the ledger."""
        return f"participatory_budget:budget:{self.pk}"

    @property
    def category_list(self) -> list[str]:
        return [line.strip() for line in self.categories.splitlines() if line.strip()]


class District(models.Model):
    """An area with its own envelope; ``areas`` lists who lives there (communes, districts or
    postcodes, as the identity verifications record them)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("nom"), max_length=120)
    envelope = models.PositiveBigIntegerField(_("enveloppe"))
    areas = models.TextField(
        _("lieux de résidence"), blank=True,
        help_text=_("Quartiers, communes ou codes postaux des habitants, un par ligne. Vide : "
                    "tout le monde peut voter pour les projets de ce quartier."),
    )

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["budget", "name"], name="pb_district_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def area_list(self) -> list[str]:
        return [line.strip() for line in self.areas.splitlines() if line.strip()]


class StageChange(models.Model):
    """When a budget entered a stage (the public timeline); nobody is named."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.budget_id} → {self.stage}"


class Feasibility(models.TextChoices):
    PENDING = "pending", _("à étudier")
    FEASIBLE = "feasible", _("réalisable")
    UNFEASIBLE = "unfeasible", _("non réalisable")


class Project(models.Model):
    """A proposal, then (once found feasible) a project on the ballot."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="projects", verbose_name=_("quartier"))
    contribution = models.OneToOneField("contributions.Contribution", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="budget_project")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="budget_projects")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=10_000)
    category = models.CharField(_("thème"), max_length=80, blank=True)
    location = models.CharField(_("lieu"), max_length=200, blank=True)
    # Where the project is, in WGS 84 degrees, set by the agents: it puts the project on the map.
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    requested_cost = models.PositiveBigIntegerField(_("coût estimé par l'auteur"), null=True, blank=True)
    # Technical review, public.
    feasibility = models.CharField(_("faisabilité"), max_length=12, choices=Feasibility.choices,
                                   default=Feasibility.PENDING)
    cost = models.PositiveBigIntegerField(_("coût retenu"), null=True, blank=True)
    review_note = models.TextField(_("avis technique public"), blank=True, max_length=5000)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_from", verbose_name=_("fusionnée avec"))
    # Implementation, public.
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0,
                                                validators=[MaxValueValidator(100)])
    final_cost = models.PositiveBigIntegerField(_("coût final"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["budget", "feasibility"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participatory_budget:project", kwargs={"pk": self.pk})

    @property
    def ballot_id(self) -> str:
        """The project's id on ballots, in the ledger and in exported .pb files."""
        return str(self.pk)

    @property
    def on_ballot(self) -> bool:
        return self.feasibility == Feasibility.FEASIBLE and self.merged_into_id is None and self.cost is not None


class Milestone(models.Model):
    """A step of a funded project's implementation, published by the agents."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    title = models.CharField(_("étape"), max_length=200)
    text = models.TextField(_("détails"), blank=True, max_length=5000)
    photo = models.ImageField(_("photo"), upload_to="participatory_budget/", blank=True)
    photo_alt = models.CharField(_("description de la photo"), max_length=250, blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.title


class Ballot(models.Model):
    """The counted ballot of one participation ("the last ballot counts": replaced in place).

    It names nobody: the participation record says who took part (and drops the link to the
    account after the appeal window); the ballot holds only the choice, as in the ledger.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    record = models.OneToOneField("participation.ParticipationRecord", null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10)
    # Project ids (ranked ballots: in order) or {project id: points}.
    choice = models.JSONField()
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["budget", "channel"])]

    def __str__(self) -> str:
        return f"Ballot {self.pk} of {self.budget_id}"
