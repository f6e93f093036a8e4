"""Numbers, money, dates and statuses written for people (pages and downloads).

Money, numbers and percentages are written by Babel in the app's locale (`LOCALE`, US English:
`$195,000`, `1,234.5`, `26%`), with the currency's own symbol (`€`, `£`, `¥`, `CA$`); a currency
Babel knows no symbol for is written after the amount (`5 XYZ`).
"""

from __future__ import annotations

import datetime as dt
import math

from babel import Locale, numbers

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
LOCALE = Locale.parse("en_US")


def money(value: float | None, currency: str = "USD", compact: bool = False) -> str:
    """`$12,345` (or `$1.2M` when compact); `∞` for infinity; `–` for unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    if numbers.get_currency_symbol(currency, LOCALE) != currency:
        if compact:
            return numbers.format_compact_currency(value, currency, locale=LOCALE, fraction_digits=1)
        return numbers.format_currency(value, currency, format="¤#,##0", locale=LOCALE, currency_digits=False)
    sign = "-" if value < 0 else ""
    text = (
        numbers.format_compact_decimal(abs(value), locale=LOCALE, fraction_digits=1)
        if compact
        else numbers.format_decimal(abs(value), format="#,##0", locale=LOCALE)
    )
    return f"{sign}{text} {currency}"


def percent(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    return numbers.format_percent(value, format=_pattern(digits) + "%", locale=LOCALE)


def number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    return numbers.format_decimal(value, format=_pattern(digits), locale=LOCALE)


def _pattern(digits: int) -> str:
    """Babel's number pattern with thousands grouping and exactly `digits` decimals."""
    return "#,##0" + ("." + "0" * digits if digits else "")


def ratio(value: float | None) -> str:
    """A coverage ratio such as `3.2×`."""
    text = number(value, 1)
    return text if text in ("–", "∞") else f"{text}×"


def status(label: str | None) -> str:
    """A status in words, e.g. `behind` (never colour alone; no emoji, which many laptops show as empty boxes)."""
    return label or "–"


def day(value: dt.date | None) -> str:
    """`27 Nov 2026`."""
    return "–" if value is None else f"{value.day} {value:%b %Y}"
