"""Numbers, money, dates and statuses written for people (pages and downloads).

Money, numbers and percentages are written by Babel in the app's locale (`LOCALE`, US English:
`$195,000`, `1,234.5`, `26%`), with the currency's own symbol (`€`, `£`, `¥`, `CA$`); a currency
Babel knows no symbol for is written after the amount (`5 XYZ`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

from babel import Locale, numbers

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
LOCALE = Locale.parse("en_US")
WRITTEN = 1 << 16  # values remembered per function: a 1,000-rep table's cells are written once, not on every rerun

F = TypeVar("F", bound=Callable[..., str])


def remembered(fn: F) -> F:
    """`fn` (a pure function of a number and its options) remembering what it wrote for the last `WRITTEN` calls:
    Babel takes ~30 µs a number, and a page writes the same table's cells on every rerun. Only plain numbers are
    remembered (a numpy float is one, and writes as the same float does); a zero (which equals −0.0), NaN and
    anything else are written afresh."""
    memo = lru_cache(maxsize=WRITTEN)(fn)

    @wraps(fn)
    def write(value, *args, **kwargs):
        if not value or value != value or not isinstance(value, (int, float)) or isinstance(value, bool):
            return fn(value, *args, **kwargs)  # zero (±), None, NaN, a Decimal: as they come
        return memo(value, *args, **kwargs)

    return write  # type: ignore[return-value]


@remembered
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


@remembered
def percent(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    return numbers.format_percent(value, format=_pattern(digits) + "%", locale=LOCALE)


@remembered
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
