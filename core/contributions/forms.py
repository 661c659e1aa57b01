from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.contributions.services import MAX_ANSWER_LENGTH


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"))
    note = forms.CharField(label=_("Explication publique"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, contribution, **kwargs):
        super().__init__(*args, **kwargs)
        workflow = contribution.kind_spec.workflow
        allowed = workflow.transitions.get(contribution.status, ())
        self.fields["status"].choices = [(s.key, s.label) for s in workflow.states if s.key in allowed]


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Réponse officielle"), max_length=MAX_ANSWER_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))
    signature = forms.CharField(label=_("Signataire (nom et fonction)"), max_length=200)
