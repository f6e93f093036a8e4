"""Pipeline hygiene (SPEC §5): the open deals that weaken the forecast, rule by rule.

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


def past_due(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Open deals whose close date is before the as-of date."""
    return deals["close_date"].map(lambda d: d is not None and d < as_of).astype(bool)


def quiet_days(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Days since the last activity on each deal (since it was created when there was none)."""
    since = [a if a is not None else c for a, c in zip(deals["last_activity"], deals["created"])]
    return pd.Series([(as_of - d).days for d in since], index=deals.index, dtype=float)


def no_activity(deals: pd.DataFrame, as_of: dt.date, days: int = QUIET_DAYS) -> pd.Series:
    """Deals with nothing logged against them in the last `days` days up to the as-of date."""
    return quiet_days(deals, as_of) >= days


def days_in_stage(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Days each deal has been in its current stage (from its created date when that is unknown)."""
    since = [s if s is not None else c for s, c in zip(deals["stage_since"], deals["created"])]
    return pd.Series([(as_of - d).days for d in since], index=deals.index, dtype=float)


def stall_limits(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """The team's `q` quantile of days in stage, for each deal's team and stage."""
    days = days_in_stage(deals, as_of)
    team = deals["team_id"].fillna(-1)
    return days.groupby([team, deals["stage"]]).transform(lambda d: float(np.quantile(d, q)))


def stalled(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """Deals in their stage longer than the team's 75th percentile for that stage."""
    if deals.empty:
        return pd.Series(dtype=bool)
    return days_in_stage(deals, as_of) > stall_limits(deals, as_of, q)


def pushes(close_dates: Sequence[dt.date | None]) -> int:
    """How many times a close date was moved later, over the dates oldest first (the current one last)."""
    known = [d for d in close_dates if d is not None]
    return sum(1 for before, after in zip(known, known[1:]) if after > before)


def push_counts(deals: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Pushes of each deal: its earlier close dates (history, oldest first) then its current one."""
    earlier: dict = {}
    for i, close in zip(history["id"], history["close_date"]):  # oldest first, as `history` is ordered
        earlier.setdefault(i, []).append(close)
    counts = [pushes([*earlier.get(i, []), close]) for i, close in zip(deals["id"], deals["close_date"])]
    return pd.Series(counts, index=deals.index, dtype=int)


def flag(deals: pd.DataFrame, history: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The deals with a column per rule (True when it breaks it) and the figures behind each rule."""
    out = deals.copy()
    out["days_quiet"] = quiet_days(deals, as_of)
    out["days_in_stage"] = days_in_stage(deals, as_of)
    out["stall_limit"] = stall_limits(deals, as_of) if not deals.empty else pd.Series(dtype=float)
    out["pushes"] = push_counts(deals, history)
    out["past_due"] = past_due(deals, as_of)
    out["no_activity"] = out["days_quiet"] >= QUIET_DAYS
    out["stalled"] = out["days_in_stage"] > out["stall_limit"]
    out["pushed"] = out["pushes"] > PUSH_LIMIT
    out["any"] = out[list(RULES)].any(axis=1)
    return out


def per_rep(flags: pd.DataFrame, rep_ids: Sequence[int]) -> pd.DataFrame:
    """Per rep: open deals, deals breaking each rule, deals breaking any (reps without deals get zeros)."""
    counts = flags.groupby("rep_id")[[*RULES, "any"]].sum()
    counts.insert(0, "open", flags.groupby("rep_id").size())
    return counts.reindex(list(rep_ids)).fillna(0).astype(int)
