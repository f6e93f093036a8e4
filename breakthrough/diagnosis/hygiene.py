"""Pipeline hygiene (docs/diagnosis.md#pipeline-hygiene): the open deals that weaken the forecast, rule by rule.

- **past due**: the close date has passed (the deal is not counted as coverage);
- **no activity in 30 days**: nothing logged against the deal in the 30 days up to the as-of date
  (a deal younger than that counts from its created date);
- **stalled**: in its current stage longer than the team's 75th percentile for that stage
  (over the team's open deals in the same stage);
- **pushed**: the close date was moved later more than once (from the opportunity history).

Works on the frames of `records.open_deals` and `records.close_date_history` (`flag`), or straight on the
day numbers of the `open_deal_pack` rollup they come from (`read`: the same flags, without turning dates into
objects and back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from breakthrough.store import records

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
    close = _ordinals(deals["close_date"])
    return _pushes(deals, close, history["id"].to_numpy(dtype=np.int64), _ordinals(history["close_date"]))


def _pushes(deals: pd.DataFrame, close: np.ndarray, history_ids: np.ndarray, history_close: np.ndarray) -> pd.Series:
    """`push_counts` from the deals' close dates and the history's deal ids and close dates, as ordinals."""
    ids = np.r_[history_ids, deals["id"].to_numpy(dtype=np.int64)]
    days = np.r_[history_close, close]
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
    days = {c: _ordinals(deals[c]) for c in DAY_COLUMNS}
    return _flag(deals, days, history["id"].to_numpy(dtype=np.int64), _ordinals(history["close_date"]), as_of)


DAY_COLUMNS = ("created", "close_date", "stage_since", "last_activity")  # the deals' dates the rules read


def read(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """`flag(records.open_deals(engine, as_of), records.close_date_history(engine, as_of), as_of)`, the same frame,
    with the rules worked out on the rollup's day numbers (`records.open_deal_days`)."""
    deals, days = records.open_deal_days(engine, as_of)
    history, close = records.close_date_days(engine, as_of)
    return _flag(deals, days, history["id"].to_numpy(dtype=np.int64), close, as_of)


def _flag(deals: pd.DataFrame, days: dict, history_ids: np.ndarray, history_close: np.ndarray, as_of: dt.date):
    """The flags of `flag`, from each deal's `DAY_COLUMNS` as ordinals (`days`, NaN where missing) and the history's
    deal ids and earlier close dates (ordinals), in the frames' order."""
    out = deals.copy()
    today = as_of.toordinal()

    def since(first: np.ndarray) -> pd.Series:  # days from `first` (from the created date where it is missing)
        return pd.Series(today - np.where(np.isnan(first), days["created"], first), index=deals.index, dtype=float)

    out["days_quiet"] = since(days["last_activity"])
    out["days_in_stage"] = since(days["stage_since"])
    out["stall_limit"] = (
        _limits(out["days_in_stage"], deals, STALL_QUANTILE) if not deals.empty else pd.Series(dtype=float)
    )
    out["pushes"] = _pushes(deals, days["close_date"], history_ids, history_close)
    out["past_due"] = pd.Series(days["close_date"] < today, index=deals.index, dtype=bool)
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
