"""Did coaching move anything? Difference in differences per focused session (SPEC §6).

For a session with a focus driver, on day `d`:
- the rep's driver value in the 4 weeks before (`d − 28 … d − 1`) and after (`d + 1 … d + 28`);
- the same for the rest of the rep's team (the rep's colleagues, pooled), over the same weeks;
- effect = (rep after − rep before) − (team after − team before).

Per manager and driver: the mean effect, `n`, and a 95 % interval `mean ± 1.96 · sd / √n`;
below 5 sessions the figure is "not enough data yet". Driver values come from the
`activity_rep_day` rollup (calls, meetings held) and opportunities (created, won, lost).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from breakthrough.formatting import money, number, percent
from breakthrough.models import ActivityRepDay, Opportunity
from breakthrough.settings import Settings

WEEKS = 4
DAYS = WEEKS * 7
MIN_SESSIONS = 5
Z95 = 1.96
MEASURES = ("calls", "meetings", "opps", "won", "lost", "won_amount")
MEASURED = ("activity", "call_to_meeting", "meeting_to_opp", "win_rate", "deal_size")  # coverage, cycle: not per 4 weeks


NEEDS = {  # the measures each driver is worked out from
    "activity": ("calls",),
    "call_to_meeting": ("meetings", "calls"),
    "meeting_to_opp": ("opps", "meetings"),
    "win_rate": ("won", "lost"),
    "deal_size": ("won_amount", "won"),
}


def driver_value(driver: str, sums: Mapping[str, float], reps: int = 1) -> float | None:
    """A driver's value from window sums: calls per rep per week, or a ratio (None when it divides by 0)."""
    if driver == "activity":
        return sums["calls"] / reps / WEEKS if reps else None
    parts = {
        "call_to_meeting": ("meetings", "calls"),
        "meeting_to_opp": ("opps", "meetings"),
        "win_rate": ("won", "closed"),
        "deal_size": ("won_amount", "won"),
    }
    num, den = parts[driver]
    denominator = sums["won"] + sums["lost"] if den == "closed" else sums[den]
    return sums[num] / denominator if denominator > 0 else None


def did(rep_before, rep_after, team_before, team_after) -> float | None:
    """(rep after − rep before) − (team after − team before); None when any value is missing."""
    values = (rep_before, rep_after, team_before, team_after)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None
    return (rep_after - rep_before) - (team_after - team_before)


@dataclass(frozen=True)
class Effect:
    """Mean effect with its 95 % interval; `enough` is False below `MIN_SESSIONS` sessions."""

    n: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def enough(self) -> bool:
        return self.n >= MIN_SESSIONS


def summarise(values: Sequence[float]) -> Effect:
    """Mean, and mean ± 1.96 · sd / √n (sample sd); the interval needs at least 2 values."""
    n = len(values)
    if n == 0:
        return Effect(0, None, None, None)
    mean = statistics.fmean(values)
    if n < 2:
        return Effect(1, mean, None, None)
    half = Z95 * statistics.stdev(values) / math.sqrt(n)
    return Effect(n, mean, mean - half, mean + half)


# --- daily counts and window sums --------------------------------------------------------------


class Ledger:
    """Daily counts per rep over [start, end], summed over any window of days in O(1)."""

    def __init__(self, daily: pd.DataFrame, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        reps = sorted(set(int(r) for r in daily["rep_id"])) if not daily.empty else []
        self.column = {r: i for i, r in enumerate(reps)}
        days = (end - start).days + 1
        self.cum = {m: np.zeros((days + 1, len(reps))) for m in MEASURES}
        if not daily.empty:
            rows = np.array([(d - start).days for d in daily["day"]]) + 1
            cols = np.array([self.column[int(r)] for r in daily["rep_id"]])
            for m in MEASURES:
                np.add.at(self.cum[m], (rows, cols), daily[m].to_numpy(dtype=float))
                self.cum[m] = self.cum[m].cumsum(axis=0)

    def covers(self, first: dt.date, last: dt.date) -> bool:
        return self.start <= first and last <= self.end

    def sums(self, rep_ids: Iterable[int], first: dt.date, last: dt.date,
             measures: Iterable[str] = MEASURES) -> dict[str, float]:
        """`measures` summed over `rep_ids` and the days first…last (inside the ledger); others are 0."""
        cols = [self.column[r] for r in rep_ids if r in self.column]
        lo, hi = (first - self.start).days, (last - self.start).days + 1
        found = dict.fromkeys(MEASURES, 0.0)
        for m in measures:
            found[m] = float((self.cum[m][hi, cols] - self.cum[m][lo, cols]).sum())
        return found


def daily_counts(engine: Engine, settings: Settings, start: dt.date, end: dt.date,
                 rep_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per rep and day: calls, meetings held (rollup), opportunities created, won, lost, won amount.

    `rep_ids` limits the reps read (all when None): the Rep page needs one rep and their colleagues.
    """
    frames = [_activity(engine, start, end, rep_ids), _created(engine, start, end, rep_ids),
              _closed(engine, settings, start, end, rep_ids)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["rep_id", "day", *MEASURES])
    daily = pd.concat(frames).groupby(["rep_id", "day"], as_index=False).sum()
    for m in MEASURES:
        daily[m] = daily[m].astype(float) if m in daily else 0.0
    return daily


def _rows(engine: Engine, stmt, columns: list[str]) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.DataFrame([tuple(r) for r in conn.execute(stmt).all()], columns=columns)  # one fetch
    frame["day"] = pd.to_datetime(frame["day"]).dt.date if len(frame) else frame["day"]
    return frame


def _only(column, rep_ids: Sequence[int] | None) -> list:
    """A condition limiting `column` to `rep_ids` (none when all reps are wanted)."""
    return [] if rep_ids is None else [column.in_([int(r) for r in rep_ids])]


def _activity(engine: Engine, start: dt.date, end: dt.date, rep_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Calls and meetings held per rep and day (the `activity_rep_day` rollup)."""
    t = ActivityRepDay
    stmt = select(t.rep_id, t.day, t.calls, t.meetings_held).where(t.day.between(start, end), *_only(t.rep_id, rep_ids))
    return _rows(engine, stmt, ["rep_id", "day", "calls", "meetings"])


def _created(engine: Engine, start: dt.date, end: dt.date, rep_ids: Sequence[int] | None = None) -> pd.DataFrame:
    o = Opportunity
    stmt = (select(o.owner_id, o.created_date, func.count())
            .where(o.owner_id.is_not(None), o.created_date.between(start, end), *_only(o.owner_id, rep_ids))
            .group_by(o.owner_id, o.created_date))
    return _rows(engine, stmt, ["rep_id", "day", "opps"])


def _closed(engine: Engine, settings: Settings, start: dt.date, end: dt.date,
            rep_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Won and lost deals per owner and close day; won amounts in the reporting currency."""
    o = Opportunity
    stmt = (select(o.owner_id, o.close_date, o.status, o.currency, func.count(), func.coalesce(func.sum(o.amount), 0))
            .where(o.owner_id.is_not(None), o.status.in_(("won", "lost")), o.close_date.between(start, end),
                   *_only(o.owner_id, rep_ids))
            .group_by(o.owner_id, o.close_date, o.status, o.currency))
    frame = _rows(engine, stmt, ["rep_id", "day", "status", "currency", "n", "amount"])
    rate = frame["currency"].map(settings.rate).astype(float)  # no rate: the amount is left out (NaN → 0)
    won = frame["status"] == "won"
    frame["won"] = frame["n"].where(won, 0).astype(float)
    frame["lost"] = frame["n"].where(~won, 0).astype(float)
    frame["won_amount"] = (frame["amount"].astype(float) * rate).where(won, 0.0).fillna(0.0)
    return frame[["rep_id", "day", "won", "lost", "won_amount"]]


# --- per session -------------------------------------------------------------------------------

EFFECT_COLUMNS = ["session_id", "manager_id", "rep_id", "date", "driver",
                  "rep_before", "rep_after", "team_before", "team_after", "effect"]


def windows(day: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """The 4 weeks before a session (d − 28 … d − 1) and the 4 weeks after it (d + 1 … d + 28)."""
    one = dt.timedelta(days=1)
    return (day - dt.timedelta(days=DAYS), day - one), (day + one, day + dt.timedelta(days=DAYS))


def _value(ledger: Ledger, driver: str, reps: Sequence[int], span) -> float | None:
    if not reps or not ledger.covers(*span):
        return None
    return driver_value(driver, ledger.sums(reps, *span, NEEDS[driver]), len(reps))


def session_effects(sessions: pd.DataFrame, ledger: Ledger, peers: Mapping[int, Sequence[int]]) -> pd.DataFrame:
    """One row per session with a measured focus driver: rep and team values before/after, and the effect.

    `peers[rep]` are the rep's colleagues (the rest of the team). A window outside the ledger
    (before the data starts, or not over by the as-of date) leaves its values empty, and the effect too.
    """
    rows = []
    for s in sessions[sessions["focus_driver"].isin(MEASURED)].itertuples():
        before, after = windows(s.date)
        rep, team = [int(s.rep_id)], list(peers.get(int(s.rep_id), ()))
        values = [_value(ledger, s.focus_driver, rep, before), _value(ledger, s.focus_driver, rep, after),
                  _value(ledger, s.focus_driver, team, before), _value(ledger, s.focus_driver, team, after)]
        rows.append([int(s.id), int(s.manager_id), int(s.rep_id), s.date, s.focus_driver, *values, did(*values)])
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def by_driver(effects: pd.DataFrame) -> dict[str, Effect]:
    """The summary per driver over the sessions whose effect could be measured."""
    measured = effects.dropna(subset=["effect"])
    return {d: summarise(measured.loc[measured["driver"] == d, "effect"].tolist()) for d in MEASURED
            if (measured["driver"] == d).any()}


def effect_text(driver: str, value: float | None, currency: str = "USD", signed: bool = True) -> str:
    """A driver's value (or change) for people: calls per week, percentage points, or money."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed and value > 0 else ""
    if driver == "activity":
        return f"{sign}{number(value, 1)} calls/wk"
    if driver == "deal_size":
        return f"{sign}{money(value, currency)}"
    return f"{sign}{number(value * 100, 1)} pts" if signed else percent(value, 1)


def summary_text(driver: str, effect: Effect, currency: str = "USD") -> str:
    """`+3.2 calls/wk (95 % interval −1.0 to +7.4, n = 12)` or `not enough data yet (n = 3)`."""
    if not effect.enough:
        return f"not enough data yet (n = {effect.n})"
    low, high = (effect_text(driver, v, currency) for v in (effect.low, effect.high))
    return f"{effect_text(driver, effect.mean, currency)} (95 % interval {low} to {high}, n = {effect.n})"
