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
    return pd.Series(_group_quantiles(_groups(deals), days.to_numpy(dtype=float), q), index=days.index, dtype=float)


def _groups(deals: pd.DataFrame) -> np.ndarray:
    """One code per team and stage, for each deal."""
    teams, _ = pd.factorize(deals["team_id"].fillna(-1).to_numpy())
    stages, names = pd.factorize(deals["stage"].to_numpy(dtype=object))
    return teams.astype(np.int64) * max(len(names), 1) + stages


def _group_quantiles(codes: np.ndarray, values: np.ndarray, q: float) -> np.ndarray:
    """For every row, `np.quantile(·, q)` (its default, linear method) of the values of the rows with its code:
    all groups at once, with numpy's own arithmetic step by step, so that each limit is the same to the last bit
    (a group with a missing value gets NaN, as `np.quantile` gives)."""
    out = np.empty(len(values))
    if not len(values):
        return out
    order = _by_group_and_value(codes, values)
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


def _by_group_and_value(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`np.lexsort((values, codes))`: by group, then value (NaN last), ties in their order. Whole numbers of days
    (as the rules' are) make one whole-number key per row instead, its place the last part: the same order, quicker."""
    whole = np.isfinite(values).all() and (values == np.floor(values)).all() and codes.min() >= 0
    low, span = (int(values.min()), int(values.max() - values.min()) + 1) if whole else (0, 0)
    n = len(values)
    if not whole or (int(codes.max()) + 1) * span * n >= 2**62:
        return np.lexsort((values, codes))
    key = (codes.astype(np.int64) * span + (values.astype(np.int64) - low)) * n + np.arange(n)  # ties by place
    return np.argsort(key)


def stalled(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """Deals in their stage longer than the team's 75th percentile for that stage."""
    if deals.empty:
        return pd.Series(dtype=bool)
    return days_in_stage(deals, as_of) > stall_limits(deals, as_of, q)


def push_counts(deals: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Pushes of each deal: how many times its close date was moved later, over its earlier close dates
    (history, oldest first) then its current one — missing dates left out, each date later than the one
    before it for the same deal counted; every deal at once."""
    at = _places(deals, history["id"].to_numpy(dtype=np.int64))
    found = _pushes(_ordinals(deals["close_date"]), at, _ordinals(history["close_date"]))
    return pd.Series(found, index=deals.index, dtype=int)


def _places(deals: pd.DataFrame, history_ids: np.ndarray) -> np.ndarray:
    """Each history row's deal, as its place among `deals` (−1: not one of them)."""
    return pd.Index(deals["id"].to_numpy(dtype=np.int64)).get_indexer(history_ids)


def _pushes(close: np.ndarray, history_at: np.ndarray, history_close: np.ndarray) -> np.ndarray:
    """`push_counts` from the deals' close dates and the history's deals (places among them, −1: none of them)
    and earlier close dates (ordinals; each deal's changes oldest first): each deal's history then its current date
    laid out in one sequence, deal after deal, and the steps to a later date counted per deal."""
    mine = history_at >= 0
    at, earlier = history_at[mine], history_close[mine]
    if len(at) and (at[1:] < at[:-1]).any():  # the pack's history comes deal by deal; a frame's may not
        order = np.argsort(at, kind="stable")
        at, earlier = at[order], earlier[order]
    n = len(close)
    deal, day = np.empty(len(at) + n, dtype=np.int64), np.empty(len(at) + n)
    place = np.arange(len(at)) + at  # rows before it, and the current rows of the deals before its own
    current = np.cumsum(np.bincount(at, minlength=n)) + np.arange(n)
    deal[place], day[place], deal[current], day[current] = at, earlier, np.arange(n), close
    known = np.flatnonzero(~np.isnan(day))
    later = (deal[known[1:]] == deal[known[:-1]]) & (day[known[1:]] > day[known[:-1]])
    return np.bincount(deal[known[1:]][later], minlength=n).astype(int)


def flag(deals: pd.DataFrame, history: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The deals with a column per rule (True when it breaks it) and the figures behind each rule."""
    days = {c: _ordinals(deals[c]) for c in DAY_COLUMNS}
    at = _places(deals, history["id"].to_numpy(dtype=np.int64))
    return _flag(deals, days, at, _ordinals(history["close_date"]), as_of)


DAY_COLUMNS = ("created", "close_date", "stage_since", "last_activity")  # the deals' dates the rules read


def read(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """`flag(records.open_deals(engine, as_of), records.close_date_history(engine, as_of), as_of)`, the same frame,
    with the rules worked out on the rollup's day numbers (`records.open_deal_days`)."""
    deals, days = records.open_deal_days(engine, as_of)
    history, close = records.close_date_days(engine, as_of)
    return _flag(deals, days, _places(deals, history["id"].to_numpy(dtype=np.int64)), close, as_of)


def _flag(deals: pd.DataFrame, days: dict, history_at: np.ndarray, history_close: np.ndarray, as_of: dt.date):
    """The flags of `flag`, from each deal's `DAY_COLUMNS` as ordinals (`days`, NaN where missing) and the history's
    deals (places among `deals`, `_places`) and earlier close dates (ordinals), in the frames' order."""
    out = deals.copy()
    groups = _groups(deals) if not deals.empty else np.array([], dtype=np.int64)
    for name, values in _rules(groups, days, history_at, history_close, as_of).items():
        out[name] = pd.Series(values, index=deals.index)
    return out


FLAG_COLUMNS = ["id", "rep_id", "days_quiet", "days_in_stage", "stall_limit", "pushes", *RULES, "any"]


def read_rules(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """`read`'s figures and flags (`FLAG_COLUMNS`) without the deals' texts and dates, in the rollup's order (each
    rep's deals together, by id): what the counts per rep need, from the rollup's day numbers; a listing adds the
    rest for the deals it shows (`records.open_deal_texts`)."""
    deals = records.open_deal_arrays(engine, as_of)
    rules = _rules(deals.groups, deals.days, deals.history_at, deals.history_close, as_of)
    return pd.DataFrame({"id": deals.ids, "rep_id": deals.reps, **rules}, columns=FLAG_COLUMNS)


def _rules(groups: np.ndarray, days: dict, history_at: np.ndarray, history_close: np.ndarray,
           as_of: dt.date) -> dict[str, np.ndarray]:  # fmt: skip
    """Each rule's figures and flag for the deals (team-and-stage codes, `DAY_COLUMNS` as ordinals; their history's
    deals as places among them and earlier close dates), in order."""
    today = as_of.toordinal()

    def since(first: np.ndarray) -> np.ndarray:  # days from `first` (from the created date where it is missing)
        return (today - np.where(np.isnan(first), days["created"], first)).astype(float)

    found = {"days_quiet": since(days["last_activity"]), "days_in_stage": since(days["stage_since"])}
    found["stall_limit"] = _group_quantiles(groups, found["days_in_stage"], STALL_QUANTILE)
    found["pushes"] = _pushes(days["close_date"], history_at, history_close)
    found["past_due"] = np.asarray(days["close_date"] < today, dtype=bool)
    found["no_activity"] = found["days_quiet"] >= QUIET_DAYS
    found["stalled"] = found["days_in_stage"] > found["stall_limit"]
    found["pushed"] = found["pushes"] > PUSH_LIMIT
    found["any"] = found["past_due"] | found["no_activity"] | found["stalled"] | found["pushed"]
    return found


def per_rep(flags: pd.DataFrame, rep_ids: Sequence[int]) -> pd.DataFrame:
    """Per rep: open deals, deals breaking each rule, deals breaking any (reps without deals get zeros)."""
    wanted = list(rep_ids)
    found, where = np.unique(flags["rep_id"].to_numpy(), return_inverse=True)
    at = pd.Index(found).get_indexer(wanted)  # −1 for a rep without open deals: the 0 after the sums

    def total(values: np.ndarray) -> np.ndarray:
        return np.r_[np.bincount(where, weights=values, minlength=len(found)), 0][at].astype(int)

    counted = {"open": total(np.ones(len(where)))} | {c: total(flags[c].to_numpy(dtype=float)) for c in [*RULES, "any"]}
    return pd.DataFrame(counted, index=pd.Index(wanted, name="rep_id"))
