"""Exact parsing and formatting of amounts written in pabulib files."""

from __future__ import annotations

from fractions import Fraction

Amount = int | Fraction
"""An exact amount of money or points: ``int`` when integral, else ``Fraction``."""


def parse_amount(text: str) -> Amount:
    """Parse ``"12"``, ``"1656699.67"``, ``"12,5"`` or ``"1/3"`` exactly.

    Returns an ``int`` when the value is integral, else a ``Fraction``. Raises ``ValueError`` on
    anything that is not a finite number.
    """
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    value = Fraction(text)  # raises ValueError for "abc", "nan", "inf"
    if value.denominator == 1:
        return value.numerator
    return value


def format_amount(value: Amount) -> str:
    """Write an amount so that :func:`parse_amount` reads back the same value.

    Integers are written plainly and decimal fractions as decimals (``1656699.67``); other
    fractions, which never come from a file, are written as ``numerator/denominator``.
    """
    if isinstance(value, int):
        return str(value)
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{whole[:-digits]}.{whole[-digits:]}"
