"""Forms of the federation's back-office screen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from federation.models import DomainRule, Policy


class PolicyForm(forms.Form):
    space = forms.ModelChoiceField(
        label=_("Portée"), queryset=None, required=False, empty_label=_("Toute l'instance"),
        help_text=_("Une règle d'espace remplace celle de l'instance pour cet espace."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Policy.Mode.choices)

    def __init__(self, *args, **kwargs):
        from core.models import Space

        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = Space.objects.order_by("title")


class DomainRuleForm(forms.Form):
    domain = forms.CharField(label=_("Domaine"), max_length=255,
                             help_text=_("Par exemple « parvis.exemple.fr »."))
    kind = forms.ChoiceField(label=_("Règle"), choices=DomainRule.Kind.choices)
    note = forms.CharField(label=_("Note publique"), max_length=200, required=False,
                           help_text=_("Affichée sur la page publique des partenaires."))
