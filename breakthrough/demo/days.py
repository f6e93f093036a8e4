"""The demo's calendar: three fiscal quarters ending today, the lead-in before them, the quota months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np

from breakthrough.demo.company import LEAD_IN_DAYS
from breakthrough.settings import Settings


@dataclass(frozen=True)
class Frame:
    """The calendar: three fiscal quarters ending today, the lead-in before it, the quota months."""

    today: dt.date
    start: dt.date
    days: np.ndarray  # working days start..today (datetime64[D])
    lead_days: np.ndarray  # working days in the lead-in before start
    months: tuple[dt.date, ...]  # first days of the quota months (3 quarters + the next one)
    holidays: np.ndarray

    @staticmethod
    def make(today: dt.date, settings: Settings) -> Frame:
        """The frame for `today` under the fiscal year start and holiday country in `settings`."""
        q0 = _quarter_index(today, settings.fiscal_year_start_month)
        months = tuple(_month(q0 + k) for k in range(-6, 6))
        start = months[0]
        hols = _holidays(settings.holiday_country, start.year - 1, today.year + 1)
        days = _working_days(start, today, hols)
        lead = _working_days(start - dt.timedelta(days=LEAD_IN_DAYS), start - dt.timedelta(days=1), hols)
        return Frame(today, start, days, lead, months, hols)

    @property
    def today64(self) -> np.datetime64:
        return np.datetime64(self.today, "D")


def _quarter_index(day: dt.date, fy_start_month: int) -> int:
    """Month index (year*12 + month-1) of the first month of the fiscal quarter holding `day`."""
    idx = day.year * 12 + day.month - 1
    return idx - (idx - (fy_start_month - 1)) % 3


def _month(idx: int) -> dt.date:
    return dt.date(idx // 12, idx % 12 + 1, 1)


def _holidays(country: str | None, first_year: int, last_year: int) -> np.ndarray:
    """Public holidays of `country` (none when unset or unknown) as datetime64[D]."""
    try:
        found = holidays.country_holidays(country, years=range(first_year, last_year + 1)) if country else {}
    except NotImplementedError:
        found = {}
    return np.array(sorted(found), dtype="datetime64[D]")


def _working_days(first: dt.date, last: dt.date, hols: np.ndarray) -> np.ndarray:
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    return days[np.is_busday(days, holidays=hols)]


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
