from django import template

from core.navigation import render_slot

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    """``{% slot "home_after_spaces" %}``: the HTML plugins put in a named slot."""
    request = context.get("request")
    return render_slot(name, request, context.flatten())
