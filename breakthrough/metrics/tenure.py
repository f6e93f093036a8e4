"""People over time (docs/metrics.md#who-is-in-a-periods-figures): who is in the figures of a span of days, and the share of a quota they carry.

- **In the figures**: a person is in the figures of the days [first, last] when they worked here during any
  part of them: hired on or before `last` (no hire date: here from the start) and leaving on or after `first`
  (no end date: still here). Someone marked inactive *without* an end date left on a day nobody knows: they
  are in no span's figures (as before end dates were kept). "Now" is the one-day span of the as-of date.
- **Prorated quota**: a quota row (a month or a quarter of the quota sheet) counts for the share of its
  working days the person was employed: amount × employed working days of the row ÷ working days of the row.
  Working days are Monday to Friday less the public holidays of the Settings' country: `numpy.busday_count`
  with `periods.holiday_days`, the rule of `periods.working_days`.

Everything works on whole columns at once (numpy `datetime64[D]` arrays, NaT for a missing date).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from breakthrough.formatting import day
from breakthrough.metrics.periods import holiday_days

ONE_DAY = np.timedelta64(1, "D")


def days(values) -> np.ndarray:
    """Dates (dt.date, ISO text as SQLite gives them, None or NaN for missing) as a `datetime64[D]` array."""
    return np.array([None if v is None or v != v else v for v in values], dtype="datetime64[D]")


def present(hire, end, active, first: dt.date, last: dt.date) -> np.ndarray:
    """Whether each person worked here during some part of [first, last] (the rule above)."""
    hire, end = days(hire), days(end)
    known = np.array([bool(a) and a == a for a in active], dtype=bool) | ~np.isnat(end)
    started = np.isnat(hire) | (hire <= np.datetime64(last, "D"))
    stayed = np.isnat(end) | (end >= np.datetime64(first, "D"))
    return known & started & stayed


def employed_share(hire, end, starts, ends, country: str | None) -> np.ndarray:
    """Per row, the share of the working days of [starts, ends] (both included) between the person's hire and
    end dates (either NaT: unbounded on that side); a span without working days counts whole if employed."""
    hire, end = np.asarray(hire, dtype="datetime64[D]"), np.asarray(end, dtype="datetime64[D]")
    starts, ends = np.asarray(starts, dtype="datetime64[D]"), np.asarray(ends, dtype="datetime64[D]")
    if not len(starts):
        return np.zeros(0)
    first = np.where(np.isnat(hire), starts, np.maximum(starts, hire))
    last = np.where(np.isnat(end), ends, np.minimum(ends, end))
    off = holiday_days(country, int(starts.min().astype(object).year), int(ends.max().astype(object).year))
    total = np.busday_count(starts, ends + ONE_DAY, holidays=off)
    worked = np.where(last >= first, np.busday_count(first, np.maximum(last, first - ONE_DAY) + ONE_DAY,
                                                     holidays=off), 0)  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, worked / total, (last >= first).astype(float))


def prorated(
    amount: float, hire: dt.date | None, end: dt.date | None, start: dt.date, stop: dt.date, country: str | None = None
) -> float:
    """One quota `amount` for the days [start, stop], prorated for a person employed from `hire` to `end`."""
    share = employed_share([hire], [end], [start], [stop], country)
    return float(amount * share[0])


def in_words(hire: dt.date | None, end: dt.date | None, first: dt.date, last: dt.date) -> str:
    """A person's start or leaving inside the days [first, last], for a heading ("" when here throughout)."""
    said = [f"joined {day(hire)}" for _ in [0] if hire is not None and first < hire <= last]
    said += [f"left {day(end)}" for _ in [0] if end is not None and first <= end < last]
    return " · ".join(said) + (" · quota prorated to the working days here" if said else "")
