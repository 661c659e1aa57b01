from django import template

from core.navigation import render_slot

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    """``{% slot "home_after_spaces" %}``: the HTML plugins put in a named slot."""
    request = context.get("request")
    return render_slot(name, request, context.flatten())


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
