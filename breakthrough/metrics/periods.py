"""Time (docs/metrics.md#period): fiscal periods, working days, elapsed share, weeks left, the as-of date.

A fiscal year starts on the first day of month `fy_start_month` and is named by the
calendar year in which it ENDS: with start month 4, FY2027 runs Apr 2026 – Mar 2027.
Quarters Q1..Q4 count from the fiscal year's start. Everything here is pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib
import numpy as np

KINDS = ("month", "quarter", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KEY_HELP = "use 2026-11 for a month, FY2026-Q4 for a quarter or FY2026 for a fiscal year"
MIN_YEAR, MAX_YEAR = 1901, 9998


@dataclass(frozen=True)
class Period:
    """A month, fiscal quarter or fiscal year; `end` is inclusive."""

    kind: str  # "month" | "quarter" | "year"
    start: date
    end: date  # inclusive
    key: str  # URL value: "2026-11", "FY2026-Q4", "FY2026"
    label: str  # for people: "Nov 2026", "Q4 FY2026", "FY2026"


# --- fiscal calendar -------------------------------------------------------------


def _check(kind: str, fy_start_month: int) -> None:
    """Raise ValueError for an unknown period kind or fiscal start month."""
    if kind not in KINDS:
        raise ValueError(f"Unknown period kind {kind!r}: choose month, quarter or year.")
    if not 1 <= fy_start_month <= 12:
        raise ValueError(f"Fiscal year start month must be 1 to 12, not {fy_start_month!r}.")


def _add_months(year: int, month: int, n: int) -> date:
    """The first day of the month `n` months after year-month."""
    index = year * 12 + (month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_of(day: date, fy_start_month: int) -> int:
    """The fiscal year holding `day`, named by the calendar year in which it ends."""
    if fy_start_month == 1 or day.month < fy_start_month:
        return day.year
    return day.year + 1


def fiscal_year_start(fiscal_year: int, fy_start_month: int) -> date:
    """The first day of fiscal year `fiscal_year`."""
    year = fiscal_year if fy_start_month == 1 else fiscal_year - 1
    return date(year, fy_start_month, 1)


def _months_into_fy(day: date, fy_start_month: int) -> int:
    """0 for the fiscal year's first month, 11 for its last."""
    return (day.month - fy_start_month) % 12


def _make(kind: str, start: date, fy_start_month: int) -> Period:
    """The period of `kind` beginning on `start` (a period's first day), with key and label."""
    end = _add_months(start.year, start.month, MONTHS_IN[kind]) - timedelta(days=1)
    if kind == "month":
        key, label = f"{start.year:04d}-{start.month:02d}", f"{MONTH_NAMES[start.month - 1]} {start.year}"
    else:
        fy = fiscal_year_of(start, fy_start_month)
        key = label = f"FY{fy}"
        if kind == "quarter":
            q = _months_into_fy(start, fy_start_month) // 3 + 1
            key, label = f"FY{fy}-Q{q}", f"Q{q} FY{fy}"
    return Period(kind, start, end, key, label)


def period_containing(day: date, kind: str, fy_start_month: int) -> Period:
    """The month, fiscal quarter or fiscal year that holds `day`."""
    _check(kind, fy_start_month)
    back = 0 if kind == "month" else _months_into_fy(day, fy_start_month) % MONTHS_IN[kind]
    return _make(kind, _add_months(day.year, day.month, -back), fy_start_month)


def _year(text: str, key: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{key!r} is not a valid period: the year must be between {MIN_YEAR} and {MAX_YEAR}.")
    return year


def parse_period(key: str, fy_start_month: int) -> Period:
    """The period named by a URL key; ValueError with a human message when malformed."""
    _check("month", fy_start_month)
    text = (key or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"{key!r} is not a valid month: the month must be 01 to 12 ({KEY_HELP}).")
        return _make("month", date(_year(m[1], key), int(m[2]), 1), fy_start_month)
    if m := re.fullmatch(r"FY(\d{4})-Q(\d+)", text):
        if not 1 <= int(m[2]) <= 4:
            raise ValueError(f"{key!r} is not a valid quarter: the quarter must be Q1 to Q4 ({KEY_HELP}).")
        start = fiscal_year_start(_year(m[1], key), fy_start_month)
        return _make("quarter", _add_months(start.year, start.month, 3 * (int(m[2]) - 1)), fy_start_month)
    if m := re.fullmatch(r"FY(\d{4})", text):
        return _make("year", fiscal_year_start(_year(m[1], key), fy_start_month), fy_start_month)
    raise ValueError(f"{key!r} is not a period: {KEY_HELP}.")


def next_period(period: Period, fy_start_month: int) -> Period:
    """The period of the same kind that follows `period`."""
    return period_containing(period.end + timedelta(days=1), period.kind, fy_start_month)


def list_periods(first: date, last: date, kind: str, fy_start_month: int) -> list[Period]:
    """All periods of `kind` overlapping [first, last], oldest first (empty if last < first)."""
    if last < first:
        return []
    periods = [period_containing(first, kind, fy_start_month)]
    while periods[-1].end < last:
        periods.append(next_period(periods[-1], fy_start_month))
    return periods


# --- working days ----------------------------------------------------------------


@lru_cache(maxsize=256)
def _holidays(country: str, years: tuple[int, ...]) -> frozenset[date]:
    try:
        return frozenset(holidays_lib.country_holidays(country, years=years))
    except NotImplementedError:
        raise ValueError(
            f"Unknown holiday country {country!r}: use a two-letter country code such as US, GB or DE, "
            "or leave it empty for no public holidays."
        ) from None


def holidays_for(country: str | None, years: Iterable[int]) -> frozenset[date]:
    """Public holidays of `country` (ISO code) in `years`; empty when no country is set."""
    if not country or not country.strip():
        return frozenset()
    return _holidays(country.strip().upper(), tuple(sorted(set(years))))


@lru_cache(maxsize=64)
def holiday_days(country: str | None, first_year: int, last_year: int) -> np.ndarray:
    """The public holidays of `country` in these years, as numpy's business-day functions take them."""
    days = np.array(sorted(holidays_for(country, range(first_year, last_year + 1))), dtype="datetime64[D]")
    days.flags.writeable = False  # shared by every caller through the cache
    return days


def working_days(start: date, end: date, country: str | None = None) -> int:
    """Monday–Friday days from start to end (both included), minus public holidays; 0 if end < start.

    The one rule for working days: `numpy.busday_count` with the holidays package's dates (`holiday_days`).
    """
    if end < start:
        return 0
    off = holiday_days(country, start.year, end.year)
    return int(np.busday_count(start, end + timedelta(days=1), holidays=off))


def elapsed_share(period: Period, as_of: date, country: str | None = None) -> float:
    """Share of the period's working days gone by through `as_of` (0 before it starts, 1 after it ends).

    A period without any working day counts as fully elapsed (1.0).
    """
    total = working_days(period.start, period.end, country)
    if total == 0:
        return 1.0
    as_of = min(as_of, period.end)
    return working_days(period.start, as_of, country) / total


def remaining_working_days(period: Period, as_of: date, country: str | None = None) -> int:
    """Working days strictly after `as_of` through the period's end (the whole period if it has not begun)."""
    first = max(as_of + timedelta(days=1), period.start)
    return working_days(first, period.end, country)


def weeks_left(period: Period, as_of: date, country: str | None = None) -> float:
    """Remaining working days expressed in five-day working weeks."""
    return remaining_working_days(period, as_of, country) / 5


def as_of_date(last_data_day: date | None, today: date) -> date:
    """Today when the data reaches today (or there is none), otherwise the last day in the data."""
    if last_data_day is None or last_data_day >= today:
        return today
    return last_data_day
