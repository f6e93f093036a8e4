"""Amounts in several currencies, reported in one (SPEC §2 Money)."""

from __future__ import annotations

import pandas as pd

from breakthrough.settings import Settings


def to_reporting(frame: pd.DataFrame, settings: Settings, key: str = "rep_id") -> tuple[pd.Series, dict]:
    """Sum `amount` per `key` in the reporting currency.

    Rows whose currency has no rate are left out of the sum and reported in the
    second value: `{key value: {currency, ...}}`, so a figure never mixes
    currencies silently and an unconvertible amount is flagged, not lost.
    """
    if frame.empty:
        return pd.Series(dtype=float), {}
    rates = frame["currency"].map(settings.rate)
    missing = frame[rates.isna()]
    unconverted = missing.groupby(key)["currency"].agg(lambda c: set(c)).to_dict()
    converted = (frame["amount"] * rates).where(rates.notna())
    totals = converted.groupby(frame[key]).sum(min_count=1).fillna(0.0)
    return totals, unconverted


def convert(amount: float, currency: str, settings: Settings) -> float | None:
    """One amount in the reporting currency, or None when its currency has no rate."""
    rate = settings.rate(currency)
    return None if rate is None else amount * rate
