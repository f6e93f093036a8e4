"""Fiscal periods, working days and the as-of date (docs/metrics.md#period). Every expected value is worked by hand.

Calendar facts used below (2026): Oct 1 is a Thursday, Nov 1 a Sunday, Dec 1 a Tuesday, Jul 1 a Wednesday.
Weekdays: Oct 2026 = 2 (Thu 1, Fri 2) + 4 full weeks × 5 = 22; Nov 2026 = 4 full weeks × 5 + Mon 30 = 21;
Dec 2026 = 4 (Tue 1 – Fri 4) + 3 full weeks × 5 + 4 (Mon 28 – Thu 31) = 23.
US federal holidays in Q4 2026: Columbus Day Mon Oct 12, Veterans Day Wed Nov 11,
Thanksgiving Thu Nov 26, Christmas Fri Dec 25.
"""

from __future__ import annotations

from datetime import date

import pytest

from breakthrough.metrics.periods import (
    Period,
    as_of_date,
    elapsed_share,
    fiscal_year_of,
    holidays_for,
    list_periods,
    next_period,
    parse_period,
    period_containing,
    remaining_working_days,
    weeks_left,
    working_days,
)

Q4_2026 = Period("quarter", date(2026, 10, 1), date(2026, 12, 31), "FY2026-Q4", "Q4 FY2026")
NOV_2026 = Period("month", date(2026, 11, 1), date(2026, 11, 30), "2026-11", "Nov 2026")
Q4_2026_US_WORKDAYS = (22 + 21 + 23) - 4  # 66 weekdays − 4 holidays on weekdays = 62


@pytest.mark.parametrize(
    "day, fy_start_month, expected",
    [
        (date(2026, 1, 1), 1, 2026),  # calendar fiscal year
        (date(2026, 12, 31), 1, 2026),
        (date(2026, 3, 31), 4, 2026),  # FY2026 = Apr 2025 – Mar 2026
        (date(2026, 4, 1), 4, 2027),  # FY2027 = Apr 2026 – Mar 2027: named by the year it ends in
        (date(2026, 11, 15), 4, 2027),
        (date(2026, 11, 30), 12, 2026),  # FY2026 = Dec 2025 – Nov 2026
        (date(2026, 12, 1), 12, 2027),
        (date(2026, 1, 31), 2, 2026),  # FY2026 = Feb 2025 – Jan 2026
        (date(2026, 2, 1), 2, 2027),
    ],
)
def test_fiscal_year_of(day, fy_start_month, expected):
    assert fiscal_year_of(day, fy_start_month) == expected


@pytest.mark.parametrize(
    "day, kind, fy_start_month, start, end, key, label",
    [
        # start month 1: quarters are calendar quarters
        (date(2026, 11, 15), "month", 1, date(2026, 11, 1), date(2026, 11, 30), "2026-11", "Nov 2026"),
        (date(2026, 11, 15), "quarter", 1, date(2026, 10, 1), date(2026, 12, 31), "FY2026-Q4", "Q4 FY2026"),
        (date(2026, 11, 15), "year", 1, date(2026, 1, 1), date(2026, 12, 31), "FY2026", "FY2026"),
        (date(2026, 1, 1), "quarter", 1, date(2026, 1, 1), date(2026, 3, 31), "FY2026-Q1", "Q1 FY2026"),
        (date(2028, 2, 29), "month", 1, date(2028, 2, 1), date(2028, 2, 29), "2028-02", "Feb 2028"),  # leap
        # start month 4: Nov is the 8th fiscal month (Apr=1 … Nov=8) -> Q3 = Oct–Dec of FY2027
        (date(2026, 11, 15), "month", 4, date(2026, 11, 1), date(2026, 11, 30), "2026-11", "Nov 2026"),
        (date(2026, 11, 15), "quarter", 4, date(2026, 10, 1), date(2026, 12, 31), "FY2027-Q3", "Q3 FY2027"),
        (date(2026, 11, 15), "year", 4, date(2026, 4, 1), date(2027, 3, 31), "FY2027", "FY2027"),
        (date(2027, 2, 10), "quarter", 4, date(2027, 1, 1), date(2027, 3, 31), "FY2027-Q4", "Q4 FY2027"),
        (date(2026, 4, 1), "quarter", 4, date(2026, 4, 1), date(2026, 6, 30), "FY2027-Q1", "Q1 FY2027"),
        (date(2026, 3, 31), "quarter", 4, date(2026, 1, 1), date(2026, 3, 31), "FY2026-Q4", "Q4 FY2026"),
        (date(2026, 3, 31), "year", 4, date(2025, 4, 1), date(2026, 3, 31), "FY2026", "FY2026"),
        # start month 2: Q4 = Nov, Dec, Jan spans a calendar year end
        (date(2026, 1, 15), "quarter", 2, date(2025, 11, 1), date(2026, 1, 31), "FY2026-Q4", "Q4 FY2026"),
        (date(2025, 12, 1), "quarter", 2, date(2025, 11, 1), date(2026, 1, 31), "FY2026-Q4", "Q4 FY2026"),
    ],
)
def test_period_containing(day, kind, fy_start_month, start, end, key, label):
    assert period_containing(day, kind, fy_start_month) == Period(kind, start, end, key, label)


@pytest.mark.parametrize(
    "key, fy_start_month, start, end, label",
    [
        ("2026-11", 1, date(2026, 11, 1), date(2026, 11, 30), "Nov 2026"),
        ("2026-11", 4, date(2026, 11, 1), date(2026, 11, 30), "Nov 2026"),  # months ignore the fiscal year
        ("FY2026-Q4", 1, date(2026, 10, 1), date(2026, 12, 31), "Q4 FY2026"),
        ("FY2027-Q1", 4, date(2026, 4, 1), date(2026, 6, 30), "Q1 FY2027"),
        ("FY2027-Q4", 4, date(2027, 1, 1), date(2027, 3, 31), "Q4 FY2027"),
        ("FY2026", 1, date(2026, 1, 1), date(2026, 12, 31), "FY2026"),
        ("FY2027", 4, date(2026, 4, 1), date(2027, 3, 31), "FY2027"),
        (" fy2026-q4 ", 1, date(2026, 10, 1), date(2026, 12, 31), "Q4 FY2026"),  # typed by hand in a URL
    ],
)
def test_parse_period(key, fy_start_month, start, end, label):
    period = parse_period(key, fy_start_month)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize(
    "key, message",
    [
        ("2026-13", "month must be 01 to 12"),
        ("2026-00", "month must be 01 to 12"),
        ("FY2026-Q5", "quarter must be Q1 to Q4"),
        ("FY2026-Q0", "quarter must be Q1 to Q4"),
        ("banana", "'banana' is not a period"),
        ("", "is not a period"),
        ("FY26", "is not a period"),
        ("2026/11", "is not a period"),
        ("0001-01", "year must be between"),
    ],
)
def test_parse_period_rejects_malformed_keys_with_a_human_message(key, message):
    with pytest.raises(ValueError, match=message) as err:
        parse_period(key, 1)
    assert "FY2026-Q4" in str(err.value) or "year must be" in str(err.value)  # says what a key looks like


@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
@pytest.mark.parametrize("fy_start_month", [1, 2, 4, 7, 12])
@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 6, 30), date(2026, 11, 27), date(2027, 3, 31)])
def test_a_period_key_reads_back_as_the_same_period(day, kind, fy_start_month):
    period = period_containing(day, kind, fy_start_month)
    assert parse_period(period.key, fy_start_month) == period
    assert period.start <= day <= period.end


@pytest.mark.parametrize(
    "key, fy_start_month, next_key, next_start",
    [
        ("2026-11", 1, "2026-12", date(2026, 12, 1)),
        ("2026-12", 1, "2027-01", date(2027, 1, 1)),  # across a calendar year end
        ("FY2026-Q3", 1, "FY2026-Q4", date(2026, 10, 1)),
        ("FY2026-Q4", 1, "FY2027-Q1", date(2027, 1, 1)),  # across a fiscal year end
        ("FY2027-Q3", 4, "FY2027-Q4", date(2027, 1, 1)),  # across a calendar (not fiscal) year end
        ("FY2027-Q4", 4, "FY2028-Q1", date(2027, 4, 1)),
        ("FY2026-Q4", 2, "FY2027-Q1", date(2026, 2, 1)),  # Q4 = Nov 2025 – Jan 2026
        ("FY2026", 1, "FY2027", date(2027, 1, 1)),
        ("FY2027", 4, "FY2028", date(2027, 4, 1)),
    ],
)
def test_next_period(key, fy_start_month, next_key, next_start):
    following = next_period(parse_period(key, fy_start_month), fy_start_month)
    assert (following.key, following.start) == (next_key, next_start)


@pytest.mark.parametrize(
    "first, last, kind, fy_start_month, keys",
    [
        (date(2026, 11, 15), date(2027, 2, 3), "month", 1, ["2026-11", "2026-12", "2027-01", "2027-02"]),
        (date(2026, 9, 30), date(2027, 1, 1), "quarter", 1, ["FY2026-Q3", "FY2026-Q4", "FY2027-Q1"]),
        (date(2026, 3, 31), date(2026, 4, 1), "quarter", 4, ["FY2026-Q4", "FY2027-Q1"]),
        (date(2026, 3, 31), date(2026, 4, 1), "year", 4, ["FY2026", "FY2027"]),
        (date(2026, 5, 5), date(2026, 5, 5), "year", 1, ["FY2026"]),
        (date(2026, 5, 5), date(2026, 5, 4), "month", 1, []),  # last before first: nothing
    ],
)
def test_list_periods_overlapping_a_range_oldest_first(first, last, kind, fy_start_month, keys):
    assert [p.key for p in list_periods(first, last, kind, fy_start_month)] == keys


@pytest.mark.parametrize(
    "call",
    [
        lambda: period_containing(date(2026, 1, 1), "week", 1),
        lambda: period_containing(date(2026, 1, 1), "month", 13),
        lambda: period_containing(date(2026, 1, 1), "quarter", 0),
        lambda: parse_period("2026-11", 13),
    ],
)
def test_unknown_kind_or_start_month_is_refused(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    "country, years, included, excluded",
    [
        ("US", [2026], [date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25)], []),
        ("us", [2026], [date(2026, 12, 25)], []),  # code case does not matter
        ("US", [2026, 2027], [date(2026, 1, 1), date(2027, 1, 1)], [date(2026, 11, 27)]),
        ("GB", [2026], [date(2026, 12, 25), date(2026, 12, 28)], [date(2026, 11, 26)]),  # Boxing Day observed Mon 28
    ],
)
def test_holidays_for_a_country(country, years, included, excluded):
    days = holidays_for(country, years)
    assert all(d in days for d in included)
    assert not any(d in days for d in excluded)


@pytest.mark.parametrize("country", [None, "", "  "])
def test_no_country_means_no_holidays(country):
    assert holidays_for(country, [2026]) == frozenset()


def test_unknown_country_code_is_a_value_error_that_says_what_to_do():
    with pytest.raises(ValueError, match=r"'XX'.*two-letter country code"):
        holidays_for("XX", [2026])


@pytest.mark.parametrize(
    "start, end, country, expected",
    [
        (date(2026, 11, 2), date(2026, 11, 6), None, 5),  # Mon – Fri
        (date(2026, 11, 7), date(2026, 11, 8), None, 0),  # Sat – Sun
        (date(2026, 11, 4), date(2026, 11, 4), None, 1),  # one Wednesday, both ends inclusive
        (date(2026, 11, 6), date(2026, 11, 9), None, 2),  # Fri, (Sat, Sun), Mon
        (date(2026, 11, 9), date(2026, 11, 6), None, 0),  # end before start
        (date(2026, 11, 1), date(2026, 11, 30), None, 21),  # 4 full weeks × 5 + Mon 30
        (date(2026, 11, 1), date(2026, 11, 30), "US", 21 - 2),  # − Veterans Day, Thanksgiving
        (date(2026, 10, 1), date(2026, 12, 31), None, 22 + 21 + 23),
        (date(2026, 10, 1), date(2026, 12, 31), "US", Q4_2026_US_WORKDAYS),  # 66 − 4
        (date(2026, 7, 1), date(2026, 7, 31), "US", (3 + 4 * 5) - 1),  # − Jul 3 (observed); Sat Jul 4 not twice
        (date(2026, 12, 28), date(2027, 1, 8), "US", 10 - 1),  # two weeks across New Year, − Fri Jan 1 2027
        (date(2026, 11, 26), date(2026, 11, 26), "US", 0),  # Thanksgiving alone
    ],
)
def test_working_days(start, end, country, expected):
    assert working_days(start, end, country) == expected


@pytest.mark.parametrize(
    "period, as_of, country, expected",
    [
        # Oct 1 – Sun Nov 15: October 22 − Columbus Day = 21; Nov 2–13 = 10 − Veterans Day = 9
        (Q4_2026, date(2026, 11, 15), "US", (21 + 9) / Q4_2026_US_WORKDAYS),
        (Q4_2026, date(2026, 10, 1), "US", 1 / Q4_2026_US_WORKDAYS),  # first day counts as worked
        (Q4_2026, date(2026, 12, 31), "US", 1.0),
        (Q4_2026, date(2027, 1, 5), "US", 1.0),  # after the end: clamped to the end
        (Q4_2026, date(2026, 9, 1), "US", 0.0),  # before the start: nothing elapsed
        (Q4_2026, date(2026, 11, 15), None, (22 + 10) / (22 + 21 + 23)),
        (NOV_2026, date(2026, 11, 27), None, 20 / 21),  # all but Mon 30
        (NOV_2026, date(2026, 11, 27), "US", (20 - 2) / (21 - 2)),
        (Period("month", date(2026, 11, 7), date(2026, 11, 8), "x", "x"), date(2026, 11, 7), None, 1.0),  # 0 workdays
    ],
)
def test_elapsed_share(period, as_of, country, expected):
    assert elapsed_share(period, as_of, country) == pytest.approx(expected)


@pytest.mark.parametrize(
    "period, as_of, country, remaining",
    [
        (Q4_2026, date(2026, 11, 15), "US", Q4_2026_US_WORKDAYS - (21 + 9)),  # 62 − 30 = 32
        (Q4_2026, date(2026, 12, 30), "US", 1),  # only Thu Dec 31 left
        (Q4_2026, date(2026, 12, 24), "US", 5 - 1),  # Fri 25 (Christmas), Mon 28 – Thu 31
        (Q4_2026, date(2026, 12, 31), "US", 0),
        (Q4_2026, date(2027, 2, 1), "US", 0),
        (Q4_2026, date(2026, 9, 1), "US", Q4_2026_US_WORKDAYS),  # not begun: the whole period
        (NOV_2026, date(2026, 11, 27), None, 1),  # Mon 30
        (NOV_2026, date(2026, 11, 25), "US", 3 - 1),  # Thu 26 (holiday), Fri 27, Mon 30
    ],
)
def test_remaining_working_days_and_weeks_left(period, as_of, country, remaining):
    assert remaining_working_days(period, as_of, country) == remaining
    assert weeks_left(period, as_of, country) == pytest.approx(remaining / 5)


@pytest.mark.parametrize(
    "as_of, expected_weeks",
    [
        (date(2026, 12, 30), 1 / 5),  # one working day left: wl = 0.2
        (date(2026, 11, 15), 32 / 5),  # 6.4 weeks
        (date(2026, 12, 31), 0.0),
    ],
)
def test_weeks_left_on_specific_dates(as_of, expected_weeks):
    assert weeks_left(Q4_2026, as_of, "US") == pytest.approx(expected_weeks)


@pytest.mark.parametrize(
    "last_data_day, today, expected",
    [
        (None, date(2026, 11, 27), date(2026, 11, 27)),  # no data: today
        (date(2026, 11, 27), date(2026, 11, 27), date(2026, 11, 27)),  # data reaches today
        (date(2026, 11, 30), date(2026, 11, 27), date(2026, 11, 27)),  # future-dated rows: still today
        (date(2026, 11, 20), date(2026, 11, 27), date(2026, 11, 20)),  # old export: its last day
        (date(2025, 3, 31), date(2026, 11, 27), date(2025, 3, 31)),
    ],
)
def test_as_of_date(last_data_day, today, expected):
    assert as_of_date(last_data_day, today) == expected
