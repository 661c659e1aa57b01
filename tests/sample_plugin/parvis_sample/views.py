from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from core.models import Component


def index(request):
    return HttpResponse("Boîte à idées : déposez vos suggestions.")


def component(request, component_id: int):
    component = get_object_or_404(Component, pk=component_id, component_type="suggestions.box")
    return HttpResponse(f"Boîte à idées : {component.title}")
