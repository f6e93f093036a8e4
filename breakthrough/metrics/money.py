"""Amounts in several currencies, reported in one (docs/settings.md#exchange-rates-examples-until-you-set-yours)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from breakthrough.settings import EXAMPLE_RATES, Settings


def to_reporting(frame: pd.DataFrame, settings: Settings, key: str = "rep_id") -> tuple[pd.Series, dict]:
    """Sum `amount` per `key` in the reporting currency.

    Rows whose currency has no rate are left out of the sum and reported in the
    second value: `{key value: {currency, ...}}`, so a figure never mixes
    currencies silently and an unconvertible amount is flagged, not lost.
    """
    if frame.empty:
        return pd.Series(dtype=float), {}
    return to_reporting_arrays(
        frame[key].to_numpy(), frame["currency"].to_numpy(dtype=object), frame["amount"].to_numpy(dtype=float), settings
    )


def to_reporting_arrays(keys: np.ndarray, currencies: np.ndarray, amounts: np.ndarray, settings: Settings):
    """(Total per key in the reporting currency, {key: currencies without a rate}) of parallel arrays.

    Each amount times its rate, summed per key in row order (rows without a rate left out).
    """
    rate, missing = rates_of(keys, currencies, settings)
    return to_reporting_codes(keys, amounts, rate), missing


def rates_of(keys: np.ndarray, currencies: np.ndarray, settings: Settings) -> tuple[np.ndarray, dict[int, set[str]]]:
    """Each row's rate to the reporting currency (NaN: none), and {key: currencies without a rate}."""
    known = {c: np.nan if settings.rate(c) is None else settings.rate(c) for c in set(currencies.tolist())}
    rate = np.array([known[c] for c in currencies.tolist()], dtype=float)
    missing: dict[int, set[str]] = {}
    for k, c in zip(keys[np.isnan(rate)].tolist(), currencies[np.isnan(rate)].tolist()):
        missing.setdefault(k, set()).add(c)
    return rate, missing


def to_reporting_codes(keys: np.ndarray, amounts: np.ndarray, rate: np.ndarray) -> pd.Series:
    """Each amount times its rate (NaN: none), summed per key; a key with only unrated amounts gets 0."""
    found, totals = reporting_totals(keys, amounts, rate)
    return pd.Series(totals, index=found)


def reporting_totals(keys: np.ndarray, amounts: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`to_reporting_codes` as two arrays: the distinct keys (ascending) and their totals."""
    with np.errstate(invalid="ignore"):
        converted = np.where(np.isnan(rate), np.nan, amounts * rate)
    found, totals = group_sums(np.asarray(keys, dtype=np.int64), converted)
    return found, np.where(np.isnan(totals), 0.0, totals)


def group_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Distinct keys ascending, each key's total; NaN for a key whose values are all NaN), NaN values left out.

    numpy adds them (`np.bincount` with weights): money is good to the cent, not to the last bit.
    """
    keys = np.asarray(keys, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    found, group = np.unique(keys, return_inverse=True)
    rated = ~np.isnan(values)
    totals = np.bincount(group, weights=np.where(rated, values, 0.0), minlength=len(found))
    counted = np.bincount(group, weights=rated, minlength=len(found))
    return found, np.where(counted > 0, totals, np.nan)


def convert(amount: float, currency: str, settings: Settings) -> float | None:
    """One amount in the reporting currency, or None when its currency has no rate."""
    rate = settings.rate(currency)
    return None if rate is None else amount * rate


# --- are the rates the user's own? -------------------------------------------------------------


@dataclass(frozen=True)
class RateCheck:
    """The currencies of the data that a figure cannot take at face value."""

    example: tuple[str, ...]  # converted at a built-in example rate (the user has not set theirs)
    missing: tuple[str, ...]  # no rate at all: left out of every total, flagged

    def __bool__(self) -> bool:
        return bool(self.example or self.missing)


def is_example_rate(currency: str, settings: Settings) -> bool:
    """True when `currency` is converted to the reporting currency at the built-in example rate.

    Until the user confirms the rates on the Settings page, a currency whose rate in use equals the
    example's (`EXAMPLE_RATES`, both sides of the pair) is converted at an example rate. A rate the user
    changed is theirs; the reporting currency itself converts at 1 and never is.
    """
    if settings.rates_confirmed or currency == settings.reporting_currency:
        return False
    rate = settings.rate(currency)
    base, reporting = EXAMPLE_RATES.get(currency), EXAMPLE_RATES.get(settings.reporting_currency)
    if rate is None or base is None or reporting is None:
        return False
    return math.isclose(rate, base / reporting, rel_tol=1e-9)


def rate_check(currencies, settings: Settings) -> RateCheck:
    """Which of `currencies` (those in the data) are converted at example rates, and which have no rate."""
    found = sorted({str(c) for c in currencies if c})
    return RateCheck(
        tuple(c for c in found if is_example_rate(c, settings)), tuple(c for c in found if settings.rate(c) is None)
    )


def data_currencies(engine) -> set[str]:
    """Every currency an amount in the database is written in: deals and quotas."""
    from sqlalchemy import select, union

    from breakthrough.store.models import Opportunity, Quota

    with engine.connect() as conn:
        return set(
            conn.execute(union(select(Opportunity.currency).distinct(), select(Quota.currency).distinct())).scalars()
        ) - {None}
