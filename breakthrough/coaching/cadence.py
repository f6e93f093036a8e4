"""How often managers coach (docs/coaching.md#cadence): frequency against cadence targets, hours, coverage, debriefs.

All functions are pure: they take a frame of sessions (columns as `sessions.SESSION_COLUMNS`,
`date` as `datetime.date`) and the as-of date. A window of `days` ends on the as-of date and
includes it: the 28-day window ending 27 Nov runs from 31 Oct to 27 Nov.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from breakthrough.metrics.periods import working_days
from breakthrough.settings import Settings

TARGET_DAYS = 28  # cadence targets are per rep per 4 weeks
CADENCE_TYPES = ("one_on_one", "joint_call", "pipeline_review")


def window_start(as_of: dt.date, days: int) -> dt.date:
    """First day of the `days`-day window ending on (and including) `as_of`."""
    return as_of - dt.timedelta(days=days - 1)


def in_window(sessions: pd.DataFrame, as_of: dt.date, days: int) -> pd.DataFrame:
    """The sessions dated inside the `days`-day window ending on `as_of`."""
    start = window_start(as_of, days)
    return sessions[(sessions["date"] >= start) & (sessions["date"] <= as_of)]


def targets(settings: Settings) -> dict[str, int]:
    """Sessions expected per rep per 4 weeks, by session type."""
    return {
        "one_on_one": settings.cadence_one_on_one,
        "joint_call": settings.cadence_joint_call,
        "pipeline_review": settings.cadence_pipeline_review,
    }


def rep_months(hire_dates: Mapping[int, dt.date | None], as_of: dt.date, days: int) -> float:
    """Reps × window ÷ 28 days, each rep counted only from their hire date: `Σ days present ÷ 28`."""
    start = window_start(as_of, days)
    present = 0
    for hired in hire_dates.values():
        first = max(start, hired) if hired is not None else start
        present += max((as_of - first).days + 1, 0)
    return present / TARGET_DAYS


@dataclass(frozen=True)
class Attainment:
    """Sessions held against sessions expected (ratio None when none were expected)."""

    held: int
    expected: float

    @property
    def ratio(self) -> float | None:
        return self.held / self.expected if self.expected > 0 else None


def frequency(
    sessions: pd.DataFrame,
    hire_dates: Mapping[int, dt.date | None],
    settings: Settings,
    as_of: dt.date,
    days: int = TARGET_DAYS,
) -> dict[str, Attainment]:
    """Per cadence type: sessions in the window ÷ (target × reps × window ÷ 28), plus "all" three together."""
    held = in_window(sessions[sessions["rep_id"].isin(list(hire_dates))], as_of, days)["type"].value_counts()
    exposure = rep_months(hire_dates, as_of, days)
    result = {t: Attainment(int(held.get(t, 0)), target * exposure) for t, target in targets(settings).items()}
    result["all"] = Attainment(sum(a.held for a in result.values()), sum(a.expected for a in result.values()))
    return result


def hours_per_rep(
    sessions: pd.DataFrame, hire_dates: Mapping[int, dt.date | None], as_of: dt.date, days: int = TARGET_DAYS
) -> float | None:
    """Coaching hours per rep per 4 weeks: minutes in the window ÷ 60 ÷ rep-months."""
    exposure = rep_months(hire_dates, as_of, days)
    if exposure <= 0:
        return None
    minutes = in_window(sessions[sessions["rep_id"].isin(list(hire_dates))], as_of, days)["duration_min"].sum()
    return float(minutes) / 60 / exposure


def coverage(sessions: pd.DataFrame, rep_ids, as_of: dt.date, days: int = 14) -> float | None:
    """Share of `rep_ids` with at least one session of any type in the last `days` days."""
    reps = set(rep_ids)
    if not reps:
        return None
    seen = set(in_window(sessions, as_of, days)["rep_id"]) & reps
    return len(seen) / len(reps)


def last_session(sessions: pd.DataFrame, rep_ids, as_of: dt.date, kind: str | None = None) -> dict[int, dt.date | None]:
    """Each rep's latest session on or before `as_of` (of `kind` when given); None when there is none."""
    chosen = sessions[sessions["date"] <= as_of]
    if kind is not None:
        chosen = chosen[chosen["type"] == kind]
    latest = chosen.groupby("rep_id")["date"].max()
    return {int(r): latest.get(r) for r in rep_ids}


def without_one_on_one(sessions: pd.DataFrame, rep_ids, as_of: dt.date, days: int = 21) -> dict[int, dt.date | None]:
    """Reps with no one-on-one in the last `days` days, with the date of their last one (None: never)."""
    start = window_start(as_of, days)
    last = last_session(sessions, rep_ids, as_of, "one_on_one")
    return {r: d for r, d in last.items() if d is None or d < start}


@dataclass(frozen=True)
class Debriefs:
    """Joint calls in the window: debriefed in time, and those whose deadline has passed."""

    in_time: int
    due: int  # joint calls whose debrief deadline has passed, or that were debriefed in time
    pending: int  # joint calls still inside their debrief window, not yet debriefed

    @property
    def rate(self) -> float | None:
        return self.in_time / self.due if self.due else None


def working_days_after(first: dt.date, last: dt.date, country: str | None) -> int:
    """Working days after `first` up to and including `last` (Friday → Tuesday is 2)."""
    return working_days(first + dt.timedelta(days=1), last, country)


def debriefs(sessions: pd.DataFrame, as_of: dt.date, settings: Settings, days: int = TARGET_DAYS) -> Debriefs:
    """Joint calls in the window followed by a debrief (same manager and rep) within the debrief window."""
    window = settings.debrief_window_days
    country = settings.holiday_country
    later = sessions[(sessions["type"] == "debrief") & (sessions["date"] <= as_of)]
    debriefed = later.groupby(["manager_id", "rep_id"])["date"].agg(list).to_dict()
    in_time = due = pending = 0
    for call in in_window(sessions, as_of, days).itertuples():
        if call.type != "joint_call":
            continue
        days_after = [
            working_days_after(call.date, d, country)
            for d in debriefed.get((call.manager_id, call.rep_id), [])
            if d >= call.date
        ]
        if any(lag <= window for lag in days_after):
            in_time, due = in_time + 1, due + 1
        elif working_days_after(call.date, as_of, country) < window:
            pending += 1
        else:
            due += 1
    return Debriefs(in_time, due, pending)
