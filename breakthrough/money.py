"""Amounts in several currencies, reported in one (SPEC §2 Money)."""

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
    return to_reporting_arrays(frame[key].to_numpy(), frame["currency"].to_numpy(dtype=object),
                               frame["amount"].to_numpy(dtype=float), settings)


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

    The values are added exactly as pandas 3's `Series(values).groupby(keys).sum(min_count=1)` adds them, so
    the figures stay bit-identical to the pandas code this replaces (at a quarter of the time): keys already
    in order and no NaN — one `np.add.reduceat` over the runs of equal keys; otherwise each key's values in
    row order with Kahan compensation (`_kahan_sums`).
    """
    keys = np.asarray(keys, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    if len(keys) and (keys[1:] >= keys[:-1]).all() and not np.isnan(values).any():
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        return keys[starts], np.add.reduceat(values, starts)
    return _kahan_sums(keys, values)


def _kahan_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each key's values added in row order with Kahan compensation, NaN left out (pandas' grouped sum).

    In rounds: round r adds the r-th value of every key at once, so there are as many rounds as the
    most values one key has (for money per rep and currency: a few).
    """
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, dtype=bool)
    group, starts = np.cumsum(first) - 1, np.flatnonzero(first)
    rank = np.arange(len(keys)) - starts[group]  # each value's place among its key's values
    total, compensation, seen = np.zeros(len(starts)), np.zeros(len(starts)), np.zeros(len(starts), dtype=bool)
    with np.errstate(invalid="ignore"):
        for r in range(int(rank.max(initial=-1)) + 1):
            at = (rank == r) & ~np.isnan(values)
            g, y = group[at], values[at] - compensation[group[at]]
            t = total[g] + y
            lost = (t - total[g]) - y  # what the addition rounded away, taken off the next value
            compensation[g] = np.where(np.isnan(lost), 0.0, lost)  # NaN after an infinite value: no correction
            total[g], seen[g] = t, True
    return keys[starts], np.where(seen, total, np.nan)


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
    return RateCheck(tuple(c for c in found if is_example_rate(c, settings)),
                     tuple(c for c in found if settings.rate(c) is None))


def data_currencies(engine) -> set[str]:
    """Every currency an amount in the database is written in: deals and quotas."""
    from sqlalchemy import select, union

    from breakthrough.models import Opportunity, Quota

    with engine.connect() as conn:
        return set(conn.execute(union(select(Opportunity.currency).distinct(), select(Quota.currency).distinct()))
                   .scalars()) - {None}
