"""Spaces (participatory processes), their dated phases and the components placed in them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class SpaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self):
        """Published spaces with a phase that has not ended (current or upcoming)."""
        now = timezone.now()
        return (
            self.published()
            .filter(Q(phases__ends_at__gte=now) | Q(phases__ends_at__isnull=True))
            .distinct()
        )


class Space(ClusterableModel):
    """A participatory process, owned by one organisation or shared by several."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    summary = models.TextField(_("résumé"), blank=True)
    organisations = ParentalManyToManyField(
        "core.Organisation", verbose_name=_("organisations"), related_name="spaces"
    )
    is_published = models.BooleanField(_("publié"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpaceQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("organisations"),
        FieldPanel("is_published"),
        InlinePanel("phases", heading=_("Phases"), label=_("phase"), min_num=1),
    ]

    class Meta:
        verbose_name = _("espace de participation")
        verbose_name_plural = _("espaces de participation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:space", kwargs={"slug": self.slug})

    def current_phase(self):
        now = timezone.now()
        for phase in self.phases.all():
            if phase.starts_at <= now and (phase.ends_at is None or now < phase.ends_at):
                return phase
        return None


class Phase(Orderable):
    space = ParentalKey(Space, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)

    panels = ["title", "description", "starts_at", "ends_at"]

    class Meta(Orderable.Meta):
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return f"{self.space} — {self.title}"

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin doit être postérieure au début.")})

    @property
    def is_current(self) -> bool:
        now = timezone.now()
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


def component_type_choices() -> list[tuple[str, str]]:
    from core.components import all_component_types

    return [(key, str(ct.label)) for key, ct in all_component_types().items()]


class Component(models.Model):
    """A plugin's participation component placed in a phase (a petition box, a vote...)."""

    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="components"
    )
    component_type = models.CharField(
        _("type de composant"), max_length=120, choices=component_type_choices
    )
    title = models.CharField(_("titre"), max_length=200)
    sort_order = models.PositiveIntegerField(_("ordre"), default=0)
    requires_moderation = models.BooleanField(
        _("pré-modération"), default=False,
        help_text=_("Les contributions n'apparaissent qu'après validation par un modérateur."),
    )

    panels = [
        FieldPanel("phase"), FieldPanel("component_type"), FieldPanel("title"), "sort_order",
        FieldPanel("requires_moderation"),
    ]

    class Meta:
        verbose_name = _("composant")
        verbose_name_plural = _("composants")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from core.components import all_component_types

        ctype = all_component_types().get(self.component_type)
        if ctype and ctype.view_name:
            try:
                return reverse(f"{self.plugin}:{ctype.view_name}", kwargs={"component_id": self.pk})
            except NoReverseMatch:
                pass
        return self.phase.space.get_absolute_url()

    @property
    def plugin(self) -> str:
        return self.component_type.partition(".")[0]

    @property
    def space(self) -> Space:
        return self.phase.space

    def clean(self) -> None:
        from core.components import all_component_types

        if self.component_type not in all_component_types():
            raise ValidationError(
                {"component_type": _("Ce type de composant n'est fourni par aucun module actif.")}
            )
        if self.phase_id:
            organisations = self.phase.space.organisations.all()
            if organisations and not any(self.plugin in o.enabled_plugins() for o in organisations):
                raise ValidationError(
                    {"component_type": _("Aucune organisation de cet espace n'a activé ce module.")}
                )
