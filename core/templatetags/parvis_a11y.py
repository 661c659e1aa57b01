from django import template

from core.accessibility import current_status_label

register = template.Library()


@register.simple_tag
def accessibility_status():
    """``{% accessibility_status %}``: « non / partiellement / totalement conforme »."""
    return current_status_label()
