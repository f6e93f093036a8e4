"""Amounts in several currencies, reported in one (SPEC §2 Money)."""

from __future__ import annotations

import numpy as np
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
    return to_reporting_arrays(frame[key].to_numpy(), frame["currency"].to_numpy(dtype=object),
                               frame["amount"].to_numpy(dtype=float), settings)


def to_reporting_arrays(keys: np.ndarray, currencies: np.ndarray, amounts: np.ndarray, settings: Settings):
    """(Total per key in the reporting currency, {key: currencies without a rate}) of parallel arrays.

    Each amount times its rate, summed per key by pandas in row order (rows without a rate left out).
    """
    which, names = pd.factorize(currencies)
    rate = np.array([np.nan if settings.rate(c) is None else settings.rate(c) for c in names.tolist()])[which]
    missing: dict[int, set[str]] = {}
    for k, c in zip(keys[np.isnan(rate)].tolist(), currencies[np.isnan(rate)].tolist()):
        missing.setdefault(k, set()).add(c)
    return to_reporting_codes(keys, amounts, rate), missing


def to_reporting_codes(keys: np.ndarray, amounts: np.ndarray, rate: np.ndarray) -> pd.Series:
    """Each amount times its rate (NaN: none), summed per key by pandas; a key with only unrated amounts gets 0."""
    converted = pd.Series(np.where(np.isnan(rate), np.nan, amounts * rate))
    return converted.groupby(keys).sum(min_count=1).fillna(0.0)


def convert(amount: float, currency: str, settings: Settings) -> float | None:
    """One amount in the reporting currency, or None when its currency has no rate."""
    rate = settings.rate(currency)
    return None if rate is None else amount * rate
