"""Exact parsing and formatting of amounts written in pabulib files."""

from __future__ import annotations

from fractions import Fraction

Amount = int | Fraction
"""An exact amount of money or points: ``int`` when integral, else ``Fraction``."""


MAX_AMOUNT = 10**30
"""Amounts must be smaller than this in absolute value: far beyond any budget, cost or score,
and far within floating point range even when multiplied by millions of voters."""

MAX_LENGTH = 64
"""Longest text read as an amount: exact arithmetic on huge numerators or denominators (or
``1e999999999``, which is ten to the power of a billion) would take the count hours."""

MAX_EXPONENT = 60
"""Largest power of ten written with ``e`` (``1.5e3``) that is read."""

_NOT_A_NUMBER = "not a number"


def parse_amount(text: str) -> Amount:
    """Parse ``"12"``, ``"1656699.67"``, ``"12,5"`` or ``"1/3"`` exactly.

    Returns an ``int`` when the value is integral, else a ``Fraction``. Raises ``ValueError``,
    whose message completes "... is ", on anything that is not a finite number written in
    ASCII digits (``"abc"``, ``"nan"``, ``"1/0"``, ``"1_000"``) or whose absolute value is not
    below :data:`MAX_AMOUNT`.
    """
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"{_NOT_A_NUMBER} (more than {MAX_LENGTH} characters)")
    if not text.isascii() or "_" in text:
        raise ValueError(_NOT_A_NUMBER)
    try:
        value: Amount = int(text)
    except ValueError:
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        mantissa, _, exponent = text.lower().partition("e")
        if exponent.lstrip("+-").isdigit() and abs(int(exponent)) > MAX_EXPONENT:
            raise ValueError(f"{_NOT_A_NUMBER} (exponent beyond {MAX_EXPONENT})") from None
        try:
            value = Fraction(text)
        except ValueError:
            raise ValueError(_NOT_A_NUMBER) from None
        except ZeroDivisionError:
            raise ValueError(f"{_NOT_A_NUMBER} (division by zero)") from None
        if value.denominator == 1:
            value = value.numerator
    if abs(value) >= MAX_AMOUNT:
        raise ValueError("too large (the limit is 10^30)")
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
