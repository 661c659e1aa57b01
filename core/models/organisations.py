"""Organisations: communes, intercommunalities and associations sharing one instance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel


class Organisation(ClusterableModel):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        INTERCOMMUNALITY = "intercommunality", _("intercommunalité")
        ASSOCIATION = "association", _("association")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.COMMUNE)
    description = models.TextField(_("présentation"), blank=True)
    site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name=_("site (nom d'hôte)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisation",
        help_text=_("Facultatif : le site Wagtail dont le nom d'hôte mène à cette organisation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("description")],
            heading=_("Organisation"),
        ),
        FieldPanel("site"),
        InlinePanel("memberships", heading=_("Rôles"), label=_("rôle")),
        InlinePanel("plugin_settings", heading=_("Modules de participation"), label=_("module")),
    ]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:organisation", kwargs={"slug": self.slug})

    def enabled_plugins(self) -> frozenset[str]:
        """Slugs of the loaded plugins this organisation uses (all unless disabled here)."""
        from core.plugin_host import loaded_plugins

        cached = getattr(self, "_enabled_plugins", None)
        if cached is None:
            disabled = set(
                self.plugin_settings.filter(enabled=False).values_list("plugin", flat=True)
            )
            cached = frozenset(p.slug for p in loaded_plugins() if p.slug not in disabled)
            self._enabled_plugins = cached
        return cached


def plugin_choices() -> list[tuple[str, str]]:
    from core.plugin_host import registry

    return [(slug, slug) for slug in sorted(registry.discovered)]


class PluginSetting(models.Model):
    """Whether an organisation uses a plugin. Without a row, a loaded plugin is enabled."""

    organisation = ParentalKey(
        Organisation, on_delete=models.CASCADE, related_name="plugin_settings"
    )
    plugin = models.CharField(_("module"), max_length=80, choices=plugin_choices)
    enabled = models.BooleanField(_("activé"), default=True)

    panels = ["plugin", "enabled"]

    class Meta:
        verbose_name = _("module de participation")
        verbose_name_plural = _("modules de participation")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "plugin"], name="plugin_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plugin}: {'on' if self.enabled else 'off'}"
