from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plugins.petitions.models import Petition

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class PetitionForm(forms.ModelForm):
    class Meta:
        model = Petition
        fields = ["title", "text", "category", "territory", "image", "image_alt"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 10:
            raise forms.ValidationError(_("Le titre doit compter au moins 10 caractères."))
        return title


class SignForm(forms.Form):
    name = forms.CharField(label=_("Nom et prénom"), max_length=150)
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254,
                             help_text=_("Un lien de confirmation vous sera envoyé. Elle n'est jamais publiée."))
    show_name = forms.BooleanField(label=_("Afficher mon nom parmi les signataires"), required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    wants_updates = forms.BooleanField(label=_("Recevoir par courriel la réponse à cette pétition"), required=False)
    consent = forms.BooleanField(
        label=_("J'accepte que mes données soient traitées pour cette pétition, comme l'explique la politique de confidentialité."),
    )

    def __init__(self, *args, collect_postcode: bool = False, postcode_required: bool = True, **kwargs):
        # Minimisation: the postcode is asked only where the petition box needs it (absent,
        # optional or required, as its settings say).
        super().__init__(*args, **kwargs)
        if not collect_postcode:
            del self.fields["postcode"]
        else:
            self.fields["postcode"].required = postcode_required

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if name.startswith(FORMULA_PREFIXES):
            raise forms.ValidationError(_("Le nom ne peut pas commencer par =, +, - ou @."))
        if not name:
            raise forms.ValidationError(_("Indiquez votre nom."))
        return name


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Motif public du refus"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Le motif du refus est publié : il est obligatoire.")})


class ResponseForm(forms.Form):
    body = forms.CharField(label=_("Réponse de l'organisation ou compte rendu du débat"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": _("Écrivez la réponse de l'organisation.")})
    signature = forms.CharField(label=_("Signataire (nom et fonction)"), max_length=200,
                                error_messages={"required": _("Indiquez le nom et la fonction du signataire.")})
    debated = forms.BooleanField(label=_("La pétition a été débattue en conseil"), required=False)


class InvalidateForm(forms.Form):
    REASONS = [
        ("fraud", _("Fraude")),
        ("duplicate", _("Doublon")),
        ("ineligible", _("Signataire non éligible")),
        ("identity_unverified", _("Identité non vérifiée")),
    ]
    email_domain = forms.CharField(label=_("Domaine de messagerie"), max_length=255, required=False)
    ip_address = forms.GenericIPAddressField(label=_("Adresse IP"), required=False)
    reason_code = forms.ChoiceField(label=_("Motif public"), choices=REASONS)

    def clean(self):
        data = super().clean()
        if not data.get("email_domain") and not data.get("ip_address"):
            raise forms.ValidationError(_("Indiquez un domaine ou une adresse IP."))
        return data
