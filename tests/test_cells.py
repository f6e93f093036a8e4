"""One cell of an export → a value or a reason: every format trait real CRM exports use."""

from __future__ import annotations

import datetime as dt

import pytest

from breakthrough.importing.map import validation as v
from breakthrough.importing.read import cells as c

D = dt.date
T = dt.datetime

# --- dates --------------------------------------------------------------------------------------

DATES = [
    # raw, column order, expected
    ("2026-11-02", None, T(2026, 11, 2)),
    ("2026-11-2", None, T(2026, 11, 2)),  # ISO without zero padding (Excel re-saves)
    ("2026-11-02T09:30:00", None, T(2026, 11, 2, 9, 30)),
    ("2026-11-02T09:30:00Z", None, T(2026, 11, 2, 9, 30)),  # zone suffix ignored: wall time kept
    ("2026-11-02 09:30:00+01:00", None, T(2026, 11, 2, 9, 30)),
    ("2026-11-02 14:30", None, T(2026, 11, 2, 14, 30)),  # HubSpot
    ("2026-10-20 15:42:10", None, T(2026, 10, 20, 15, 42, 10)),  # Pipedrive
    ("11/2/2026", "mdy", T(2026, 11, 2)),  # Salesforce US
    ("11/2/2026 9:30 AM", "mdy", T(2026, 11, 2, 9, 30)),
    ("11/2/2026 9:30 PM", "mdy", T(2026, 11, 2, 21, 30)),
    ("12/12/2026 12:00 AM", "mdy", T(2026, 12, 12, 0, 0)),  # 12 AM is midnight
    ("12/12/2026 12:05 PM", "mdy", T(2026, 12, 12, 12, 5)),  # 12 PM is noon
    ("11/2/26", "mdy", T(2026, 11, 2)),  # two-digit year: 20yy
    ("2/11/2026", "dmy", T(2026, 11, 2)),  # European slashes
    ("02/11/2026 14:30", "dmy", T(2026, 11, 2, 14, 30)),
    ("02-11-2026", "dmy", T(2026, 11, 2)),
    ("02.11.2026", None, T(2026, 11, 2)),  # dots are always day first
    ("02.11.2026", "mdy", T(2026, 11, 2)),  # …whatever the slashed order of the column
    ("2.11.2026 08:05", None, T(2026, 11, 2, 8, 5)),
    ("25/11/2026", None, T(2026, 11, 25)),  # a day above 12 proves the order by itself
    ("11/25/2026", None, T(2026, 11, 25)),
    ("3/3/2026", None, T(2026, 3, 3)),  # the same either way
    ("Nov 2, 2026", None, T(2026, 11, 2)),
    ("2 November 2026", None, T(2026, 11, 2)),
    ("2-Nov-2026", None, T(2026, 11, 2)),
    ("Sept 3 2026", None, T(2026, 9, 3)),
    ("  2026-11-02  ", None, T(2026, 11, 2)),
    # month names in other languages and other layouts, read by dateutil with Babel's names
    ("2. November 2026", None, T(2026, 11, 2)),  # German
    ("3. März 2026 14:30", None, T(2026, 3, 3, 14, 30)),
    ("Montag, 2. Nov. 2026", None, T(2026, 11, 2)),
    ("le 2 novembre 2026", None, T(2026, 11, 2)),  # French
    ("2 févr. 2026", None, T(2026, 2, 2)),
    ("2 de noviembre de 2026", None, T(2026, 11, 2)),  # Spanish
    ("3 mei 2026", None, T(2026, 5, 3)),  # Dutch
    ("November 2nd, 2026", None, T(2026, 11, 2)),
    ("Tue, 3 Nov 2026 09:30:00 +0100", None, T(2026, 11, 3, 9, 30)),  # zone ignored: wall time kept
    ("Nov 2, 2026 at 9:30", None, T(2026, 11, 2, 9, 30)),
]


@pytest.mark.parametrize("raw, order, expected", DATES)
def test_dates_read(raw, order, expected):
    assert c.parse_datetime(raw, order) == expected
    assert c.parse_date(raw, order) == expected.date()


DATE_ERRORS = [
    ("3/4/2026", None, "reads as day-first or month-first"),  # never guessed
    ("25/11/2026", "mdy", "has no month 25"),  # the column is month first
    ("11/25/2026", "dmy", "has no month 25"),
    ("2026-02-30", None, "not a real date"),
    ("31.04.2026", None, "not a real date"),
    ("hello", None, "is not a date"),
    ("", None, "no date"),
    ("11/2/2026 25:00", "mdy", "not a real time"),
    ("1/1/2026 13:00 PM", "mdy", "hour 13 with AM/PM"),
    ("2026-11-02x", None, "not a time"),
    ("Foo 2, 2026", None, "not a month name"),
    ("2026/11/02", None, "is not a date"),
    ("Nov 2026", None, "is not a date"),  # a month without its day is not a date
    ("30 février 2026", None, "not a real date"),
    ("März 3/4/2026", None, "is not a date"),  # a month name does not let dateutil guess a slashed order
]


@pytest.mark.parametrize("raw, order, reason", DATE_ERRORS)
def test_dates_that_cannot_be_read_say_why(raw, order, reason):
    with pytest.raises(c.CellError, match=reason):
        c.parse_datetime(raw, order)


CLASSIFIED = [
    ("2026-11-02", "iso"),
    ("2026-11-02T09:30:00Z", "iso"),
    ("02.11.2026", "dmy"),
    ("25/11/2026", "dmy"),
    ("11/25/2026", "mdy"),
    ("11/2/2026", "either"),
    ("2/11/2026 9:30", "either"),
    ("3/3/2026", "same"),
    ("Nov 2, 2026", "named"),
    ("13/13/2026", "bad"),
    ("soon", "bad"),
    ("2. März 2026", "named"),
    ("le 2 novembre 2026", "named"),
    ("Nov 2026", "bad"),
]


@pytest.mark.parametrize("raw, kind", CLASSIFIED)
def test_each_date_cell_says_what_it_proves_about_the_order(raw, kind):
    assert c.classify_date(raw) == kind


EVIDENCE = [
    # values of one column → (order decided, ambiguous: ask, mixed: ask)
    (["2026-11-02", "2026-12-01"], "iso", False, False),
    (["11/2/2026", "10/15/2026"], "mdy", False, False),  # one day above 12 decides the column
    (["2/11/2026", "15/10/2026"], "dmy", False, False),
    (["02.11.2026", "3/4/2026"], "dmy", False, False),  # dotted dates are European
    (["11/2/2026", "3/4/2026", "3/3/2026"], None, True, False),  # every day ≤ 12: asked
    (["25/11/2026", "11/25/2026"], None, False, True),  # both orders proven: asked
    (["3/3/2026", ""], "iso", False, False),  # nothing slashed is ambiguous
    (["2. März 2026", "3/4/2026"], None, True, False),  # month names prove nothing about slashed dates: asked
]


@pytest.mark.parametrize("values, order, ambiguous, mixed", EVIDENCE)
def test_a_columns_date_order_is_decided_by_its_values_or_asked(values, order, ambiguous, mixed):
    evidence = c.DateEvidence()
    for value in values:
        evidence.add(value)
    assert (evidence.order(), evidence.ambiguous, evidence.mixed) == (order, ambiguous, mixed)


# --- amounts ------------------------------------------------------------------------------------

AMOUNTS = [
    # raw, column decimal mark, (amount, currency written in the cell)
    ("$12,345.00", None, (12345.0, "USD")),
    ("USD 12,345.00", None, (12345.0, "USD")),
    ("12,345.00 USD", None, (12345.0, "USD")),
    ("usd 12,345", None, (12345.0, "USD")),
    ("12.345,00", None, (12345.0, None)),  # European: the last separator is the decimal mark
    ("€1.234,56", None, (1234.56, "EUR")),
    ("1.234,56 €", None, (1234.56, "EUR")),
    ("£9,900", None, (9900.0, "GBP")),
    ("1 234,50", None, (1234.5, None)),  # space as thousands separator
    ("1\u00a0234,50\u00a0€", None, (1234.5, "EUR")),  # no-break spaces (French Excel)
    ("1'234.50", None, (1234.5, None)),  # Swiss
    ("11015.0", None, (11015.0, None)),  # HubSpot, quoted in the file
    ("4300.5", None, (4300.5, None)),
    ("12,50", None, (12.5, None)),  # a lone comma with two decimals
    ("1,234", None, (1234.0, None)),  # a lone separator before exactly 3 digits: thousands
    ("1.234", None, (1234.0, None)),
    ("1.234", ".", (1.234, None)),  # …unless the column shows it is the decimal mark
    ("1,234", ",", (1.234, None)),
    ("1,234,567.89", None, (1234567.89, None)),
    ("1.234.567,89", None, (1234567.89, None)),
    ("0", None, (0.0, None)),
    (".5", None, (0.5, None)),
    ("+100", None, (100.0, None)),
    ("EUR 0,99", None, (0.99, "EUR")),
    ("CA$ 1,000", None, (1000.0, "CAD")),
    ("US$5", None, (5.0, "USD")),
    # symbols from Babel's English locale data
    ("MX$1,200", None, (1200.0, "MXN")),
    ("CN¥8,000", None, (8000.0, "CNY")),
    ("NT$ 30,000", None, (30000.0, "TWD")),
    ("1.234,5 ₫", None, (1234.5, "VND")),
]


@pytest.mark.parametrize("raw, mark, expected", AMOUNTS)
def test_amounts_read_with_their_currency(raw, mark, expected):
    assert c.parse_amount(raw, mark) == expected


AMOUNT_ERRORS = [
    ("-100", "negative"),
    ("(1,200.00)", "negative"),  # accounting negative
    ("$-5", "negative"),
    ("100-", "negative"),
    ("12,34,5", "separators do not make a number"),
    ("1.2.3,4,5", "separators do not make a number"),
    ("12,50", "separators do not make a number"),  # with "." as the column's mark: garbled
    ("abc", "is not an amount"),
    ("12 apples", "is not a currency"),
    ("USD EUR 5", "not a currency"),
    ("$5 €", "names two currencies"),
    ("", "no amount"),
    ("99999999999999", "too large"),
]


@pytest.mark.parametrize("raw, reason", AMOUNT_ERRORS)
def test_negative_and_garbled_amounts_are_refused(raw, reason):
    mark = "." if raw == "12,50" else None
    with pytest.raises(c.CellError, match=reason):
        c.parse_amount(raw, mark)


MARKS = [
    (["12,345.00", "5.5"], "."),
    (["12.345,00", "7,5"], ","),
    (["1,234", "5,000"], None),  # thousands-looking values prove nothing
    (["1.234.567", "9"], ","),  # repeated dots are thousands: comma is the mark
    (["11015.0", "12.345,00", "7,50"], ","),  # most values decide
]


@pytest.mark.parametrize("values, mark", MARKS)
def test_a_columns_decimal_mark_comes_from_its_values(values, mark):
    evidence = c.AmountEvidence()
    for value in values:
        evidence.add(value)
    assert evidence.mark() == mark


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1234.565", 1234.57),
        ("1234.564", 1234.56),
        ("0.005", 0.01),
        ("$12,345.675", 12345.68),
    ],
)
def test_money_is_rounded_half_up_to_cents_like_the_database(raw, expected):
    assert v.money(raw, None)[0] == expected


CURRENCIES = [("USD", "USD"), ("eur", "EUR"), (" GBP ", "GBP"), ("€", "EUR"), ("$", "USD"), ("£", "GBP")]


@pytest.mark.parametrize("raw, code", CURRENCIES)
def test_currencies_from_codes_and_symbols(raw, code):
    assert c.parse_currency(raw) == code


@pytest.mark.parametrize("raw", ["Dollars", "US", "€€", "12"])
def test_unknown_currencies_are_refused(raw):
    with pytest.raises(c.CellError, match="not a currency"):
        c.parse_currency(raw)


# --- durations, percentages, flags, scores -----------------------------------------------------

DURATIONS = [
    ("0:05:23", "seconds", 5 * 60 + 23),  # 323
    ("5:23", "seconds", 323),  # m:ss
    ("1:00:00", "seconds", 3600),
    ("300", "seconds", 300),
    ("323000", "ms", 323),  # HubSpot call duration in milliseconds
    ("45", "minutes", 45 * 60),
    ("00:15", "minutes", 15 * 60),  # Pipedrive writes h:mm
    ("01:30", "minutes", 90 * 60),
    ("1h 5m", "seconds", 3600 + 300),
    ("5m 23s", "seconds", 323),
    ("45 min", "seconds", 2700),
    ("2 hours", "seconds", 7200),
    ("12,5", "minutes", 750),
]


@pytest.mark.parametrize("raw, unit, seconds", DURATIONS)
def test_durations_in_seconds(raw, unit, seconds):
    assert c.parse_duration(raw, unit) == seconds


@pytest.mark.parametrize("raw", ["abc", "-5", "5 parsecs", "1:2:3:4"])
def test_bad_durations_are_refused(raw):
    with pytest.raises(c.CellError, match="not a duration"):
        c.parse_duration(raw)


@pytest.mark.parametrize(
    "raw, fraction",
    [("10", 0.10), ("10%", 0.10), ("90", 0.90), ("0", 0.0), ("100", 1.0), ("12,5", 0.125), ("33.3 %", 0.333)],
)
def test_probabilities_are_percentages(raw, fraction):
    assert c.parse_percent(raw) == pytest.approx(fraction)


@pytest.mark.parametrize("raw", ["150", "-5", "likely"])
def test_probabilities_outside_0_to_100_are_refused(raw):
    with pytest.raises(c.CellError, match="percentage"):
        c.parse_percent(raw)


FLAGS = [
    ("Completed", True),
    ("Done", True),
    ("yes", True),
    ("TRUE", True),
    ("1", True),
    ("Not Started", False),
    ("To do", False),
    ("In Progress", False),
    ("no", False),
    ("0", False),
    ("Waiting on someone else", False),
]


@pytest.mark.parametrize("raw, value", FLAGS)
def test_done_flags_in_each_crms_words(raw, value):
    assert c.parse_flag(raw) is value


def test_an_unknown_flag_is_refused():
    with pytest.raises(c.CellError, match="not yes or no"):
        c.parse_flag("maybe")


@pytest.mark.parametrize("raw, score", [("1", 1), ("5", 5), ("3.0", 3)])
def test_rubric_scores(raw, score):
    assert c.parse_score(raw) == score


@pytest.mark.parametrize("raw", ["0", "6", "2.5", "good"])
def test_rubric_scores_outside_1_to_5_are_refused(raw):
    with pytest.raises(c.CellError, match="score"):
        c.parse_score(raw)


# --- labels: activity types, outcomes, session types, roles, drivers, periods, times -----------

TYPES = [
    ("Call", "call"),
    ("Outbound call", "call"),
    ("Phone", "call"),
    ("Voicemail", "call"),
    ("Email", "email"),
    ("List Email", "email"),
    ("E-mail", "email"),
    ("Meeting", "meeting"),
    ("Event", "meeting"),
    ("Appointment", "meeting"),
    ("Demo", "demo"),
    ("Product demo meeting", "demo"),
    ("lunch", "other"),
    ("Task", "other"),
    ("Site visit", "other"),
    ("Cadence", "other"),
]


@pytest.mark.parametrize("raw, kind", TYPES)
def test_activity_types_are_normalised_and_unknown_ones_are_other(raw, kind):
    assert v.activity_type(raw) == kind


@pytest.mark.parametrize(
    "raw, kept",
    [
        ("Connected", "connected"),
        ("No Answer", "no answer"),
        ("Left  Voicemail", "left voicemail"),
        ("Voicemail", "left voicemail"),
        ("Completed", "held"),
        ("No-show", "no show"),
        ("Canceled", "cancelled"),
        ("Busy", "busy"),
    ],
)
def test_outcomes_are_kept_lower_case_with_synonyms_joined(raw, kept):
    assert v.outcome(raw) == kept


@pytest.mark.parametrize(
    "raw, kind",
    [
        ("One-on-one", "one_on_one"),
        ("1:1", "one_on_one"),
        ("Joint call", "joint_call"),
        ("Ride-along", "joint_call"),
        ("Debrief", "debrief"),
        ("Pipeline review", "pipeline_review"),
        ("Deal review", "deal_review"),
        ("Team meeting", "other"),
    ],
)
def test_session_types(raw, kind):
    assert v.session_type(raw) == kind


@pytest.mark.parametrize(
    "raw, role",
    [
        ("rep", "rep"),
        ("Account Executive", "rep"),
        ("SDR", "rep"),
        ("Manager", "manager"),
        ("Team lead", "manager"),
        ("VP Sales", "leader"),
    ],
)
def test_roles(raw, role):
    assert v.role(raw) == role


def test_an_unknown_role_is_refused():
    with pytest.raises(c.CellError, match="not a role"):
        v.role("intern")


@pytest.mark.parametrize(
    "raw, key",
    [
        ("win rate", "win_rate"),
        ("Call → meeting", "call_to_meeting"),
        ("meeting-to-opportunity", "meeting_to_opp"),
        ("activity", "activity"),
    ],
)
def test_focus_drivers(raw, key):
    assert v.driver(raw) == key


@pytest.mark.parametrize(
    "raw, start",
    [
        ("2026-11", D(2026, 11, 1)),
        ("11/2026", D(2026, 11, 1)),
        ("Nov 2026", D(2026, 11, 1)),
        ("2026-11-01", D(2026, 11, 1)),
        ("2026-11-17", D(2026, 11, 1)),
    ],
)
def test_quota_periods_become_the_months_first_day(raw, start):
    assert v.month_start(raw, None) == start


@pytest.mark.parametrize(
    "raw, time", [("09:30", dt.time(9, 30)), ("9:30 PM", dt.time(21, 30)), ("14:05:09", dt.time(14, 5, 9))]
)
def test_times_of_day(raw, time):
    assert v.time_of_day(raw) == time
