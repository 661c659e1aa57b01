"""Forms of the participatory budget: proposals, review, merging, stages, settings, paper ballots."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plugins.participatory_budget.models import (
    Budget,
    CountingRule,
    District,
    Feasibility,
    Project,
    VoteType,
)


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "description", "district", "category", "location", "requested_cost"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, budget: Budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.fields["district"].queryset = budget.districts.all()
        self.fields["district"].empty_label = _("Toute la commune") if budget.citywide_envelope else None
        self.fields["district"].required = not budget.citywide_envelope and budget.districts.exists()
        if not budget.districts.exists():
            del self.fields["district"]
        categories = budget.category_list
        if categories:
            self.fields["category"] = forms.ChoiceField(
                label=_("thème"), required=False, choices=[("", "—")] + [(c, c) for c in categories])
        else:
            del self.fields["category"]
        self.fields["requested_cost"].help_text = _("Facultatif : les services chiffreront le projet.")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 5:
            raise forms.ValidationError(_("Le titre doit compter au moins 5 caractères."))
        return title


class ReviewForm(forms.Form):
    feasibility = forms.ChoiceField(label=_("Avis"), widget=forms.RadioSelect,
                                    choices=[(Feasibility.FEASIBLE, _("réalisable")),
                                             (Feasibility.UNFEASIBLE, _("non réalisable"))])
    cost = forms.IntegerField(label=_("Coût retenu (en euros)"), min_value=1, max_value=10**12, required=False)
    note = forms.CharField(label=_("Avis technique public"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=5000, required=False,
                           help_text=_("Obligatoire pour un projet non réalisable : le motif est publié."))
    latitude = forms.DecimalField(label=_("Latitude"), min_value=-90, max_value=90, decimal_places=6, required=False,
                                  help_text=_("Facultatif : en degrés décimaux (par exemple 45.188529), pour placer le projet sur la carte."))
    longitude = forms.DecimalField(label=_("Longitude"), min_value=-180, max_value=180, decimal_places=6, required=False,
                                   help_text=_("Facultatif : en degrés décimaux (par exemple 5.724524)."))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Fusionner avec"), queryset=Project.objects.none())
    note = forms.CharField(label=_("Explication publique"), max_length=2000, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (project.budget.projects.exclude(pk=project.pk)
                                        .filter(merged_into__isnull=True).order_by("title", "pk"))


class StageForm(forms.Form):
    stage = forms.CharField(max_length=20)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["citywide_envelope", "currency", "vote_type", "max_projects", "points", "rule", "completion",
                  "categories"]
        widgets = {"categories": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        if data.get("rule") == CountingRule.MES and data.get("vote_type") == VoteType.RANKED:
            raise forms.ValidationError(_("La méthode des parts égales ne s'applique pas à un vote par classement : "
                                          "choisissez une autre règle ou un autre type de vote."))
        return data


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name", "envelope", "areas"]
        widgets = {"areas": forms.Textarea(attrs={"rows": 2})}


DistrictFormSet = forms.inlineformset_factory(Budget, District, form=DistrictForm, extra=2, can_delete=True,
                                              max_num=50, validate_max=True)


class ImplementationForm(forms.Form):
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100)
    final_cost = forms.IntegerField(label=_("Coût final (en euros)"), min_value=0, max_value=10**12, required=False)
    milestone_date = forms.DateField(label=_("Date de l'étape"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    milestone_title = forms.CharField(label=_("Nouvelle étape"), max_length=200, required=False)
    milestone_text = forms.CharField(label=_("Détails"), widget=forms.Textarea(attrs={"rows": 3}),
                                     max_length=5000, required=False)
    photo = forms.ImageField(label=_("Photo"), required=False)
    photo_alt = forms.CharField(label=_("Description de la photo"), max_length=250, required=False)

    def clean(self):
        data = super().clean()
        if data.get("milestone_title") and not data.get("milestone_date"):
            self.add_error("milestone_date", _("Indiquez la date de l'étape."))
        return data


class PaperBallotForm(forms.Form):
    """The plugin's fields of one paper ballot in the shared paper entry screen."""

    district = forms.CharField(label=_("Quartier (tel qu'écrit sur le bulletin)"), max_length=120, required=False)
    ballot = forms.CharField(
        label=_("Projets cochés"), max_length=2000,
        help_text=_("Numéros des projets séparés par des virgules (« 12, 15 ») ; vote par points : « 12:5, 15:3 » ; "
                    "classement : dans l'ordre de préférence."),
    )
