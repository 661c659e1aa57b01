from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django import template
from django.utils.translation import get_language

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


NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE = "\u202f", "\u00a0"


def format_money(amount, currency: str = "EUR") -> str:
    """An amount as readers write it: ``9 500 €`` in French (narrow no-break spaces between
    thousands, a no-break space before the symbol), ``€9,500`` in English; cents only when
    there are some (``9 500,50 €``); another currency by its code (``1 200 CHF``,
    ``CHF 1,200``). ``None`` is a dash; what is not a number is returned as it is."""
    if amount is None or amount == "":
        return "—"
    try:
        value = (Decimal(amount.numerator) / Decimal(amount.denominator)
                 if isinstance(amount, Fraction) else Decimal(str(amount)))
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    if not value.is_finite():
        return str(amount)
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign, value = ("-" if value < 0 else ""), abs(value)
    units, cents = int(value), int(value % 1 * 100)
    english = (get_language() or "").startswith("en")
    digits = f"{units:,}".replace(",", "," if english else NARROW_NO_BREAK_SPACE)
    if cents:
        digits += f"{'.' if english else ','}{cents:02d}"
    currency = currency or "EUR"
    if english:
        prefix = "€" if currency == "EUR" else f"{currency}{NO_BREAK_SPACE}"
        return f"{sign}{prefix}{digits}"
    return f"{sign}{digits}{NO_BREAK_SPACE}{'€' if currency == 'EUR' else currency}"


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """``{{ project.cost|money:budget.currency }}``: see :func:`format_money`."""
    return format_money(amount, currency)
