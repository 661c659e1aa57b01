"""Forms of the agents' paper entry: the identity of the person, the sheet, the plugin's fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.participation.identity import person_key_from_email, person_key_from_identity
from core.plugins import ParticipationSubjectType

__all__ = ["IDENTITY_FIELDS", "PaperIdentityForm", "ReceiptForm", "CsvImportForm",
           "eligibility_attestation", "paper_form_class", "person_key_for"]

#: Every identity field of a paper sheet; the subject type's ``person_fields`` are required.
IDENTITY_FIELDS = ("family_name", "given_names", "birth_date", "postcode", "email")
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"]


class PaperIdentityForm(forms.Form):
    """The person and the sheet; combined with the plugin's ``paper_form`` by :func:`paper_form_class`."""

    family_name = forms.CharField(label=_("Nom de famille"), max_length=150, required=False)
    given_names = forms.CharField(label=_("Prénoms"), max_length=150, required=False)
    birth_date = forms.DateField(
        label=_("Date de naissance (jj/mm/aaaa)"), required=False, input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    email = forms.EmailField(label=_("Adresse électronique"), required=False)
    sheet_reference = forms.CharField(
        label=_("Référence de la feuille"), max_length=100,
        help_text=_("Le numéro écrit sur la feuille papier, pour la retrouver."),
    )
    assisted = forms.BooleanField(label=_("Saisie assistée en mairie (la personne est présente)"),
                                  required=False)

    person_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, with_assisted: bool = True, conditions: list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in IDENTITY_FIELDS:
            self.fields[name].required = name in self.person_fields
        if not with_assisted:
            del self.fields["assisted"]
        if conditions:
            # The subject has eligibility rules: the agent attests the check for each sheet.
            self.fields["eligibility_checked"] = eligibility_attestation(conditions)
        own = [*IDENTITY_FIELDS, "sheet_reference", "assisted", "eligibility_checked"]
        self.order_fields(own + [name for name in self.fields if name not in own])
        first = next(iter(self.fields.values()))
        first.widget.attrs["autofocus"] = True
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")


def eligibility_attestation(conditions: list[str]) -> forms.BooleanField:
    """The required box by which an agent attests having checked the person's eligibility."""
    return forms.BooleanField(
        label=_("J'ai vérifié que la personne remplit les conditions : %(conditions)s")
        % {"conditions": " ; ".join(conditions)},
        error_messages={"required": _("Vérifiez que la personne remplit les conditions avant "
                                      "d'enregistrer sa participation.")},
    )


def paper_form_class(subject_type: ParticipationSubjectType) -> type[PaperIdentityForm]:
    """The form of one paper sheet of this subject type."""
    bases: tuple[type, ...] = (PaperIdentityForm,)
    if subject_type.paper_form is not None:
        bases += (subject_type.paper_form,)
    return type("PaperEntryForm", bases, {"person_fields": tuple(subject_type.person_fields)})


def person_key_for(subject_type: ParticipationSubjectType, cleaned_data: dict[str, Any]) -> str:
    """The person key of a sheet: from the e-mail or from the identity, as the subject says."""
    fields = subject_type.person_fields
    if "email" in fields:
        return person_key_from_email(cleaned_data["email"])
    return person_key_from_identity(
        cleaned_data["family_name"], cleaned_data["given_names"], cleaned_data["birth_date"],
        cleaned_data.get("postcode", "") if "postcode" in fields else "",
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Votre reçu"), max_length=400,
        help_text=_("Le texte commençant par « pvr1. » reçu lors de votre participation."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV"), allow_empty_file=True,
                           help_text=_("UTF-8 ou Windows-1252, séparateur « ; » ou « , »."))

    def __init__(self, *args: Any, conditions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if conditions:
            field = eligibility_attestation(conditions)
            field.label = _("J'ai vérifié que chaque personne du fichier remplit les conditions : "
                            "%(conditions)s") % {"conditions": " ; ".join(conditions)}
            self.fields["eligibility_checked"] = field
