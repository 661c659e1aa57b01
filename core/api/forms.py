from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.api import tokens


def _lifetime_label(days: int):
    if not days:
        return _("sans expiration")
    return _("%(days)s jours") % {"days": days}


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=100,
        help_text=_("Pour le reconnaître : le nom de l'application ou du script qui l'utilise."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Portées"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Ce que le jeton permet de faire en votre nom. Les lectures publiques n'en demandent aucune."),
        error_messages={"required": _("Choisissez au moins une portée.")},
    )
    lifetime = forms.TypedChoiceField(label=_("Durée de validité"), coerce=int, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(key, f"{key} — {scope.label}")
                                         for key, scope in sorted(tokens.known_scopes().items())]
        self.fields["lifetime"].choices = [(days, _lifetime_label(days)) for days in tokens.LIFETIMES]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Donnez un nom au jeton."))
        return name
