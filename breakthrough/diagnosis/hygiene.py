"""Pipeline hygiene (docs/diagnosis.md#pipeline-hygiene): the open deals that weaken the forecast, rule by rule.

- **past due**: the close date has passed (the deal is not counted as coverage);
- **no activity in 30 days**: nothing logged against the deal in the 30 days up to the as-of date
  (a deal younger than that counts from its created date);
- **stalled**: in its current stage longer than the team's 75th percentile for that stage
  (over the team's open deals in the same stage);
- **pushed**: the close date was moved later more than once (from the opportunity history).

Works on the frames of `records.open_deals` and `records.close_date_history`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

RULES = {
    "past_due": "Past due",
    "no_activity": "No activity in 30 days",
    "stalled": "Stalled in stage",
    "pushed": "Close date pushed twice or more",
}
QUIET_DAYS = 30
STALL_QUANTILE = 0.75
PUSH_LIMIT = 1  # more pushes than this is flagged


def _ordinals(values: pd.Series) -> np.ndarray:
    """Each date's ordinal as a float (NaN for a missing date); each distinct date worked out once."""
    known = {d: float(d.toordinal()) for d in pd.unique(values.to_numpy(dtype=object)) if isinstance(d, dt.date)}
    return values.map(known).to_numpy(dtype=float)


def _days_since(first: pd.Series, fallback: pd.Series, as_of: dt.date) -> pd.Series:
    """Days from each `first` date (from `fallback` where it is missing) to the as-of date."""
    since = _ordinals(first)
    since = np.where(np.isnan(since), _ordinals(fallback), since)
    return pd.Series(as_of.toordinal() - since, index=first.index, dtype=float)


def past_due(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Open deals whose close date is before the as-of date."""
    return pd.Series(_ordinals(deals["close_date"]) < as_of.toordinal(), index=deals.index, dtype=bool)


def quiet_days(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Days since the last activity on each deal (since it was created when there was none)."""
    return _days_since(deals["last_activity"], deals["created"], as_of)


def no_activity(deals: pd.DataFrame, as_of: dt.date, days: int = QUIET_DAYS) -> pd.Series:
    """Deals with nothing logged against them in the last `days` days up to the as-of date."""
    return quiet_days(deals, as_of) >= days


def days_in_stage(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Days each deal has been in its current stage (from its created date when that is unknown)."""
    return _days_since(deals["stage_since"], deals["created"], as_of)


def stall_limits(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """The team's `q` quantile of days in stage, for each deal's team and stage."""
    return _limits(days_in_stage(deals, as_of), deals, q)


def _limits(days: pd.Series, deals: pd.DataFrame, q: float) -> pd.Series:
    """`np.quantile(·, q)` of `days` within each team and stage, for every deal (one call per group)."""
    teams, _ = pd.factorize(deals["team_id"].fillna(-1).to_numpy())
    stages, names = pd.factorize(deals["stage"].to_numpy(dtype=object))
    codes = teams.astype(np.int64) * max(len(names), 1) + stages  # one code per team and stage
    return pd.Series(_group_quantiles(codes, days.to_numpy(dtype=float), q), index=days.index, dtype=float)


def _group_quantiles(codes: np.ndarray, values: np.ndarray, q: float) -> np.ndarray:
    """For every row, `np.quantile(·, q)` (its default, linear method) of the values of the rows with its code:
    all groups at once, with numpy's own arithmetic step by step, so that each limit is the same to the last bit
    (a group with a missing value gets NaN, as `np.quantile` gives)."""
    out = np.empty(len(values))
    if not len(values):
        return out
    order = np.lexsort((values, codes))  # by group, then value (NaN last)
    ordered, grouped = values[order], codes[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    n = np.diff(np.r_[starts, len(values)])
    virtual = n * np.float64(q) + (1 + np.float64(q) * -1) - 1  # numpy's `_compute_virtual_index`, alpha = beta = 1
    previous = np.floor(virtual)
    top = virtual >= n - 1  # numpy takes the largest value there
    below = starts + np.where(top, n - 1, previous).astype(np.int64)
    above = starts + np.where(top, n - 1, previous + 1).astype(np.int64)
    a, b, t = ordered[below], ordered[above], virtual - previous
    diff = b - a
    limits = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)  # numpy's `_lerp`
    limits[np.isnan(ordered[starts + n - 1])] = np.nan
    out[order] = np.repeat(limits, n)
    return out


def stalled(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """Deals in their stage longer than the team's 75th percentile for that stage."""
    if deals.empty:
        return pd.Series(dtype=bool)
    return days_in_stage(deals, as_of) > stall_limits(deals, as_of, q)


def push_counts(deals: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Pushes of each deal: how many times its close date was moved later, over its earlier close dates
    (history, oldest first) then its current one — missing dates left out, each date later than the one
    before it for the same deal counted; every deal at once."""
    ids = np.r_[history["id"].to_numpy(dtype=np.int64), deals["id"].to_numpy(dtype=np.int64)]
    days = np.r_[_ordinals(history["close_date"]), _ordinals(deals["close_date"])]
    order = np.lexsort((np.arange(len(ids)), ids))  # per deal: its history as ordered, then the current date
    ids, days = ids[order], days[order]
    ids, days = ids[~np.isnan(days)], days[~np.isnan(days)]
    later = (ids[1:] == ids[:-1]) & (days[1:] > days[:-1])
    pushed, times = np.unique(ids[1:][later], return_counts=True)  # each deal pushed at least once, how often
    if not len(pushed):
        return pd.Series(0, index=deals.index, dtype=int)
    mine = deals["id"].to_numpy(dtype=np.int64)
    at = np.minimum(np.searchsorted(pushed, mine), len(pushed) - 1)
    return pd.Series(np.where(pushed[at] == mine, times[at], 0).astype(int), index=deals.index, dtype=int)


def flag(deals: pd.DataFrame, history: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The deals with a column per rule (True when it breaks it) and the figures behind each rule."""
    out = deals.copy()
    out["days_quiet"] = quiet_days(deals, as_of)
    out["days_in_stage"] = days_in_stage(deals, as_of)
    out["stall_limit"] = (
        _limits(out["days_in_stage"], deals, STALL_QUANTILE) if not deals.empty else pd.Series(dtype=float)
    )
    out["pushes"] = push_counts(deals, history)
    out["past_due"] = past_due(deals, as_of)
    out["no_activity"] = out["days_quiet"] >= QUIET_DAYS
    out["stalled"] = out["days_in_stage"] > out["stall_limit"]
    out["pushed"] = out["pushes"] > PUSH_LIMIT
    out["any"] = out[list(RULES)].any(axis=1)
    return out


def per_rep(flags: pd.DataFrame, rep_ids: Sequence[int]) -> pd.DataFrame:
    """Per rep: open deals, deals breaking each rule, deals breaking any (reps without deals get zeros)."""
    wanted = list(rep_ids)
    found, where = np.unique(flags["rep_id"].to_numpy(), return_inverse=True)
    at = pd.Index(found).get_indexer(wanted)  # −1 for a rep without open deals: the 0 after the sums

    def total(values: np.ndarray) -> np.ndarray:
        return np.r_[np.bincount(where, weights=values, minlength=len(found)), 0][at].astype(int)

    counted = {"open": total(np.ones(len(where)))} | {c: total(flags[c].to_numpy(dtype=float)) for c in [*RULES, "any"]}
    return pd.DataFrame(counted, index=pd.Index(wanted, name="rep_id"))
