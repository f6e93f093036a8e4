"""Numbers, money, dates and statuses written for people (pages and downloads)."""

from __future__ import annotations

import datetime as dt
import math

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
ICONS = {"on track": "✅", "at risk": "⚠️", "behind": "⛔"}


def money(value: float | None, currency: str = "USD", compact: bool = False) -> str:
    """`$12,345` (or `$1.2M` when compact); `∞` for infinity; `–` for unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    symbol = SYMBOLS.get(currency, "")
    sign = "-" if value < 0 else ""
    text = _compact(abs(value)) if compact else f"{abs(value):,.0f}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def _compact(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:,.0f}"


def percent(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    return f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞"
    return f"{value:,.{digits}f}"


def ratio(value: float | None) -> str:
    """A coverage ratio such as `3.2×`."""
    text = number(value, 1)
    return text if text in ("–", "∞") else f"{text}×"


def status(label: str | None) -> str:
    """A status in words with its icon, e.g. `⛔ behind` (never colour alone)."""
    if not label:
        return "–"
    return f"{ICONS.get(label, '')} {label}".strip()


def day(value: dt.date | None) -> str:
    """`27 Nov 2026`."""
    return "–" if value is None else f"{value.day} {value:%b %Y}"
