"""The ``money`` filter: one way to write an amount, French typography or English."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.parvis import format_money

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(("amount", "currency", "french", "english"), [
    (9500, "EUR", f"9{NNBSP}500{NBSP}€", "€9,500"),
    (140000, "EUR", f"140{NNBSP}000{NBSP}€", "€140,000"),
    (1234567, "EUR", f"1{NNBSP}234{NNBSP}567{NBSP}€", "€1,234,567"),
    (0, "EUR", f"0{NBSP}€", "€0"),
    (950, "EUR", f"950{NBSP}€", "€950"),
    (Decimal("9500.00"), "EUR", f"9{NNBSP}500{NBSP}€", "€9,500"),
    (9500.5, "EUR", f"9{NNBSP}500,50{NBSP}€", "€9,500.50"),
    (Decimal("12.3"), "EUR", f"12,30{NBSP}€", "€12.30"),
    (Fraction(37001, 2), "EUR", f"18{NNBSP}500,50{NBSP}€", "€18,500.50"),
    (-1200, "EUR", f"-1{NNBSP}200{NBSP}€", "-€1,200"),
    (1200, "CHF", f"1{NNBSP}200{NBSP}CHF", f"CHF{NBSP}1,200"),
    ("2400", "EUR", f"2{NNBSP}400{NBSP}€", "€2,400"),
])
def test_amounts_in_french_and_in_english(amount, currency, french, english):
    with translation.override("fr"):
        assert format_money(amount, currency) == french
    with translation.override("en"):
        assert format_money(amount, currency) == english


def test_the_filter_in_a_template_follows_the_active_language():
    template = Template("{% load parvis %}{{ amount|money }} / {{ amount|money:'CHF' }} / {{ none|money }}")
    with translation.override("fr"):
        assert template.render(Context({"amount": 9500, "none": None})) == (
            f"9{NNBSP}500{NBSP}€ / 9{NNBSP}500{NBSP}CHF / —")
    with translation.override("en"):
        assert template.render(Context({"amount": 9500, "none": None})) == f"€9,500 / CHF{NBSP}9,500 / —"


def test_what_is_not_an_amount_is_shown_as_it_is():
    assert format_money("beaucoup") == "beaucoup"
