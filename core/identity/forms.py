"""Forms of the identity pages: plain Django forms, usable without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.identity import conf
from core.identity.census_file import DATE_FORMATS
from core.identity.models import CensusList, ConflictCase
from core.models import Organisation

DATE_INPUTS = list(DATE_FORMATS)


class BirthDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUTS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("help_text", _("Par exemple 14/07/1990."))
        super().__init__(**kwargs)


class CensusMatchForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label=_("Liste de"), empty_label=None)
    family_name = forms.CharField(label=_("Nom de naissance"), max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    given_names = forms.CharField(label=_("Prénom(s)"), max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
                                  help_text=_("Le premier prénom suffit."))
    birth_date = BirthDateField(label=_("Date de naissance"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            census_lists__isnull=False).distinct().order_by("name")


class RedeemCodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "spellcheck": "false"}),
                           help_text=_("Par exemple ABCD-EFGH-JKMN (tirets et espaces "
                                       "facultatifs)."))


class CensusUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV"))
    kind = forms.ChoiceField(label=_("Type de liste"), choices=CensusList.Kind.choices,
                             initial=CensusList.Kind.RESIDENTS)
    area_name = forms.CharField(label=_("Commune couverte"), max_length=200, required=False,
                                help_text=_("Par défaut, le nom de l'organisation."))
    retention_days = forms.IntegerField(label=_("Durée de conservation (jours)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = conf.get_int("PARVIS_IDENTITY_CENSUS_RETENTION_DAYS")
        field = self.fields["retention_days"]
        field.initial = longest
        field.widget.attrs["max"] = longest
        field.help_text = _("%(max)d jours au plus ; la liste est ensuite effacée.") % {"max": longest}

    def clean_retention_days(self):
        days = self.cleaned_data["retention_days"]
        longest = conf.get_int("PARVIS_IDENTITY_CENSUS_RETENTION_DAYS")
        if days > longest:
            raise forms.ValidationError(_("%(max)d jours au plus.") % {"max": longest})
        return days

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = conf.get_int("PARVIS_IDENTITY_CENSUS_MAX_BYTES")
        if upload.size > limit:
            raise forms.ValidationError(_("Le fichier est trop volumineux (%(max)d Mo au plus).")
                                        % {"max": limit // (1024 * 1024)})
        return upload


class InPersonForm(forms.Form):
    ACTIONS = [("verify", _("Vérifier ce compte maintenant")),
               ("code", _("Remettre un code à usage unique"))]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=forms.RadioSelect,
                               initial="verify")
    email = forms.EmailField(label=_("Adresse électronique du compte"), required=False,
                             help_text=_("Obligatoire pour vérifier directement ; facultative "
                                         "pour un code (le code servira alors à tout compte)."))
    document_checked = forms.BooleanField(
        label=_("J'ai vu une pièce d'identité en cours de validité (aucune copie n'est gardée)."))
    areas = forms.CharField(label=_("Lieu de résidence constaté"), required=False,
                            max_length=400,
                            help_text=_("Commune, quartier ou code postal, séparés par des "
                                        "virgules. Vide : la résidence n'est pas attestée."))
    birth_date = BirthDateField(label=_("Date de naissance (pour les conditions d'âge)"),
                                required=False)
    membership = forms.BooleanField(label=_("La personne est membre de l'organisation"),
                                    required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "verify" and not data.get("email"):
            self.add_error("email", _("Indiquez l'adresse du compte à vérifier."))
        return data

    @property
    def area_list(self) -> list[str]:
        return [a.strip() for a in (self.cleaned_data.get("areas") or "").split(",") if a.strip()]


class PostalLettersForm(forms.Form):
    letters = forms.CharField(
        label=_("Destinataires, un par ligne"), max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("nom ; adresse ; code postal ; commune ; courriel du compte (facultatif)"),
    )


class ResolveConflictForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Décision"), choices=ConflictCase.Resolution.choices,
                                   widget=forms.RadioSelect)
