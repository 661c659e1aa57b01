"""Forms of the questions pages. Plain text in, escaped on output; rich text answers are
cleaned by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plugins.qa_elus.services import MAX_ANSWER, MAX_TEXT, MAX_TITLE

COUNCIL = "conseil"


class QuestionForm(forms.Form):
    official = forms.ChoiceField(label=_("À qui posez-vous la question ?"))
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE)
    text = forms.CharField(label=_("Votre question"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Une question précise, sans propos injurieux ni données personnelles de tiers."))
    display_name = forms.CharField(label=_("Nom publié avec la question"), max_length=80,
                                   help_text=_("Le nom sous lequel votre question sera publiée."))

    def __init__(self, *args, officials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.officials = {str(o.pk): o for o in officials}
        self.fields["official"].choices = [(COUNCIL, _("Au conseil (un agent oriente la question)"))] + [
            (key, o.signature) for key, o in self.officials.items()
        ]

    def clean_official(self):
        value = self.cleaned_data["official"]
        return None if value == COUNCIL else self.officials[value]


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("Votre relance"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Réponse"), max_length=MAX_ANSWER, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("Paragraphes, listes et liens sont conservés ; le reste est retiré."))


class ModerationForm(forms.Form):
    action = forms.ChoiceField(label=_("Décision"), choices=[("publish", _("Publier")), ("reject", _("Refuser")),
                                                             ("route", _("Orienter seulement"))])
    official = forms.ChoiceField(label=_("Élu qui répondra"), required=False)
    reason = forms.ChoiceField(label=_("Motif de la charte (en cas de refus)"), required=False)
    note = forms.CharField(label=_("Note publique"), required=False, max_length=2000)

    def __init__(self, *args, officials=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.officials = {str(o.pk): o for o in officials}
        self.reasons = {r.code: r for r in reasons}
        self.fields["official"].choices = [("", _("(inchangé)"))] + [(k, o.signature) for k, o in self.officials.items()]
        self.fields["reason"].choices = [("", "—")] + [(k, r.label) for k, r in self.reasons.items()]

    def clean(self):
        data = super().clean()
        data["official"] = self.officials.get(data.get("official") or "")
        data["reason"] = self.reasons.get(data.get("reason") or "")
        if data.get("action") == "reject" and data["reason"] is None:
            self.add_error("reason", _("Choisissez le motif de la charte qui justifie le refus."))
        if data.get("action") == "route" and data["official"] is None:
            self.add_error("official", _("Choisissez l'élu à qui orienter la question."))
        return data
