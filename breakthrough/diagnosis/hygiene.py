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
    (as the rules' are) make one whole-number key per row instead, sorted stably: the same order, quicker."""
    whole = np.isfinite(values).all() and (values == np.floor(values)).all() and codes.min() >= 0
    low, span = (int(values.min()), int(values.max() - values.min()) + 1) if whole else (0, 0)
    if not whole or (int(codes.max()) + 1) * span >= 2**62:
        return np.lexsort((values, codes))
    return np.argsort(codes.astype(np.int64) * span + (values.astype(np.int64) - low), kind="stable")


def stalled(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """Deals in their stage longer than the team's 75th percentile for that stage."""
    if deals.empty:
        return pd.Series(dtype=bool)
    return days_in_stage(deals, as_of) > stall_limits(deals, as_of, q)


def push_counts(deals: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Pushes of each deal: how many times its close date was moved later, over its earlier close dates
    (history, oldest first) then its current one — missing dates left out, each date later than the one
    before it for the same deal counted; every deal at once."""
    mine = deals["id"].to_numpy(dtype=np.int64)
    found = _pushes(mine, _ordinals(deals["close_date"]), history["id"].to_numpy(dtype=np.int64),
                    _ordinals(history["close_date"]))  # fmt: skip
    return pd.Series(found, index=deals.index, dtype=int)


def _pushes(mine: np.ndarray, close: np.ndarray, history_ids: np.ndarray, history_close: np.ndarray) -> np.ndarray:
    """`push_counts` from the deals' ids and close dates and the history's deal ids and close dates (ordinals; each
    deal's changes oldest first)."""
    ids = np.r_[history_ids, mine].astype(np.int64)
    days = np.r_[history_close, close]
    order = _by_deal(ids)  # per deal: its history as ordered, then the current date
    ids, days = ids[order], days[order]
    known = np.flatnonzero(~np.isnan(days))
    later = np.zeros(len(ids) + 1, dtype=np.int64)  # 1 after a row whose date is later than the deal's one before
    step = (ids[known[1:]] == ids[known[:-1]]) & (days[known[1:]] > days[known[:-1]])
    later[known[1:][step] + 1] = 1
    counted = np.cumsum(later)  # pushes up to each row
    first = np.maximum.accumulate(np.where(np.r_[True, ids[1:] != ids[:-1]], np.arange(len(ids)), 0))
    place = np.empty(len(ids), dtype=np.int64)
    place[order] = np.arange(len(ids))
    current = place[len(history_ids) :]  # each deal's own row, the last of its deal
    return (counted[current + 1] - counted[first[current]]).astype(int)


def _by_deal(ids: np.ndarray) -> np.ndarray:
    """`np.lexsort((np.arange(len(ids)), ids))`: by deal, each deal's rows in their order (one key per row)."""
    if not len(ids) or ids.min() < 0 or (int(ids.max()) + 1) * len(ids) >= 2**62:
        return np.lexsort((np.arange(len(ids)), ids))
    return np.argsort(ids * len(ids) + np.arange(len(ids)))


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
    groups = _groups(deals) if not deals.empty else np.array([], dtype=np.int64)
    ids = deals["id"].to_numpy(dtype=np.int64)
    for name, values in _rules(ids, groups, days, history_ids, history_close, as_of).items():
        out[name] = pd.Series(values, index=deals.index)
    return out


FLAG_COLUMNS = ["id", "rep_id", "days_quiet", "days_in_stage", "stall_limit", "pushes", *RULES, "any"]


def read_rules(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """`read`'s figures and flags (`FLAG_COLUMNS`) without the deals' texts and dates, in the rollup's order (by rep,
    then by id): what the counts per rep need, from the rollup's day numbers; a listing adds the rest for the
    deals it shows (`records.open_deal_texts`)."""
    deals = records.open_deal_arrays(engine, as_of)
    history_ids, history_close = records.close_date_arrays(engine, as_of)
    rules = _rules(deals.ids, deals.groups, deals.days, history_ids, history_close, as_of)
    return pd.DataFrame({"id": deals.ids, "rep_id": deals.reps, **rules}, columns=FLAG_COLUMNS)


def _rules(ids: np.ndarray, groups: np.ndarray, days: dict, history_ids: np.ndarray, history_close: np.ndarray,
           as_of: dt.date) -> dict[str, np.ndarray]:  # fmt: skip
    """Each rule's figures and flag for the deals (ids, team-and-stage codes, `DAY_COLUMNS` as ordinals), in order."""
    today = as_of.toordinal()

    def since(first: np.ndarray) -> np.ndarray:  # days from `first` (from the created date where it is missing)
        return (today - np.where(np.isnan(first), days["created"], first)).astype(float)

    found = {"days_quiet": since(days["last_activity"]), "days_in_stage": since(days["stage_since"])}
    found["stall_limit"] = _group_quantiles(groups, found["days_in_stage"], STALL_QUANTILE)
    found["pushes"] = _pushes(ids, days["close_date"], history_ids, history_close)
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
