"""What a page shows: the resolved filters (docs/sharing.md#links), independent of Streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from breakthrough.formatting import day
from breakthrough.metrics import tenure
from breakthrough.metrics.periods import Period

ALL_TEAMS, ALL_MANAGERS, ALL_REPS = "All teams", "All managers", "All reps"


@dataclass(frozen=True)
class View:
    period: Period
    as_of: dt.date
    team: str | None = None
    manager: str | None = None
    rep: str | None = None
    rep_ids: tuple[int, ...] = ()
    rep_id: int | None = None
    benchmark: str = "top quartile"  # what great looks like: "top quartile" or "median" (URL `bench`)
    driver: str | None = None  # the driver drilled into, a key of breakthrough.metrics.drivers.DRIVERS (URL `driver`)
    present: bool = False  # presentation mode: no sidebar, large type (URL `present`)
    anon: bool = False  # privacy mode: other reps as "Rep A", "Rep B"…, no coaching notes (URL `anon`)
    everyone: str = ALL_TEAMS  # what no team chosen shows this viewer, in words (`Scope.teams_in_words`)

    def describe(self) -> str:
        """The view in words: `Q4 FY2026 · Enterprise East · as of 27 Nov 2026 · benchmark: top quartile`; with no
        team chosen, "All teams" (or, for a manager, their own teams: `everyone`)."""
        parts = [self.period.label, self.team or self.everyone]
        if self.manager:
            parts.append(f"manager {self.manager}")
        if self.rep:
            parts.append(self.rep)
        parts.append(f"as of {day(self.as_of)}")
        if self.benchmark:
            parts.append(f"benchmark: {self.benchmark}")
        return " · ".join(parts)


def reps_in_scope(
    people: pd.DataFrame,
    team: str | None,
    manager: str | None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """Reps of `team` and `manager` (either may be None for all) in the figures of the days [first, last]:
    who worked here during some part of them (`tenure.present`; a missing day leaves that side open).

    A period's figures take [period start, as-of date]; a "now" view the as-of date alone (`reps_now`).
    """
    reps = people[people["role"] == "rep"]
    kept = tenure.present(
        reps["hire_date"],
        reps["end_date"] if "end_date" in reps else [None] * len(reps),
        reps["active"],
        first or dt.date.min,
        last or dt.date.max,
    )
    reps = reps[kept]
    if team:
        reps = reps[reps["team"] == team]
    if manager:
        reps = reps[reps["manager"] == manager]
    return reps


def reps_now(people: pd.DataFrame, team: str | None, manager: str | None, as_of: dt.date) -> pd.DataFrame:
    """Reps of `team` and `manager` still here on the as-of date: leavers are left out from the day after their
    last day (the rep picker, who needs a one-on-one now)."""
    return reps_in_scope(people, team, manager, as_of, as_of)


def managers_in_scope(
    people: pd.DataFrame, team: str | None, first: dt.date | None = None, last: dt.date | None = None
) -> list[str]:
    """Managers of the reps of `team` (all teams when None) in the figures of [first, last]."""
    return sorted(reps_in_scope(people, team, None, first, last)["manager"].dropna().unique())


def effective_as_of(as_of: dt.date, period: Period) -> dt.date:
    """The as-of date moved inside the period (a past period is seen as of its last day)."""
    return min(max(as_of, period.start), period.end)
