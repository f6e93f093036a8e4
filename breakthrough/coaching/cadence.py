"""How often managers coach (docs/coaching.md#cadence): the windows, the cadence targets, rep-months, and
the records of frequency and debriefs.

The figures themselves (frequency against the targets, hours per rep, coverage, reps without a
one-on-one, debriefs in time) are worked out for every manager at once by `managers.every_manager`,
from these. A window of `days` ends on the as-of date and includes it: the 28-day window ending
27 Nov runs from 31 Oct to 27 Nov.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

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


def last_session(sessions: pd.DataFrame, rep_ids, as_of: dt.date, kind: str | None = None) -> dict[int, dt.date | None]:
    """Each rep's latest session on or before `as_of` (of `kind` when given); None when there is none."""
    chosen = sessions[sessions["date"] <= as_of]
    if kind is not None:
        chosen = chosen[chosen["type"] == kind]
    latest = chosen.groupby("rep_id")["date"].max()
    return {int(r): latest.get(r) for r in rep_ids}


@dataclass(frozen=True)
class Debriefs:
    """Joint calls in the window: debriefed in time, and those whose deadline has passed."""

    in_time: int
    due: int  # joint calls whose debrief deadline has passed, or that were debriefed in time
    pending: int  # joint calls still inside their debrief window, not yet debriefed

    @property
    def rate(self) -> float | None:
        return self.in_time / self.due if self.due else None
