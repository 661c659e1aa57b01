from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.contributions.models import Contribution
from core.contributions.services import register_contribution
from core.models import Component


class SuggestionForm(forms.Form):
    title = forms.CharField(label="Votre idée", max_length=200)
    details = forms.CharField(label="Détails", required=False, max_length=2000, widget=forms.Textarea)


def index(request):
    boxes = Component.objects.filter(
        component_type="suggestions.box", phase__space__is_published=True
    ).select_related("phase__space")
    return render(request, "parvis_sample/index.html", {"boxes": boxes})


def _component(component_id: int) -> Component:
    return get_object_or_404(
        Component.objects.select_related("phase__space"), pk=component_id,
        component_type="suggestions.box", phase__space__is_published=True,
    )


def component(request, component_id: int):
    component = _component(component_id)
    suggestions = Contribution.objects.public().filter(
        plugin="suggestions", kind="suggestion", space=component.phase.space
    )
    return render(request, "parvis_sample/component.html", {
        "component": component, "suggestions": suggestions, "form": SuggestionForm(),
    })


@require_POST
@login_required
def suggest(request, component_id: int):
    component = _component(component_id)
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        return render(request, "parvis_sample/component.html", {
            "component": component, "suggestions": [], "form": form,
        }, status=400)
    contribution = register_contribution(
        plugin="suggestions", kind="suggestion", space=component.phase.space,
        title=form.cleaned_data["title"], summary=form.cleaned_data["details"], author=request.user,
        component=component,
    )
    return redirect(contribution.get_absolute_url())
