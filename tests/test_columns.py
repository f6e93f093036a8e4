"""Table numbers formatted by Streamlit's column config (components.widgets.columns): they read as formatting.py writes them.

The browser formats a NumberColumn; AppTest cannot see that, so `browser()` below does in Python what
Streamlit 1.67's JavaScript does (an English browser): cut the number to the step's decimals — it
truncates, with a guard of ten units in the last place — then apply the format. The tests check the
column config the page sends and the numbers it sends through it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from breakthrough import settings as settings_store
from breakthrough.formatting import money, number, percent, ratio
from breakthrough.metrics import periods, scorecard
from breakthrough.store import queries
from components.widgets import columns

TODAY = dt.date(2026, 11, 27)


def browser(column: dict, value: float | None, placeholder: str = "None") -> str:
    """What Streamlit writes for `value` in a NumberColumn configured by `column`."""
    if value is None or math.isnan(value):
        return placeholder
    if math.isinf(value):
        return "Infinity"
    fmt, step = column["type_config"]["format"], column["type_config"].get("step")
    digits = None
    if step is not None:
        digits = len(repr(float(step)).split(".")[1]) if step % 1 else 0
        scaled = value * 10**digits
        value = math.trunc(scaled + math.copysign(2**-52 * abs(scaled) * 10, scaled)) / 10**digits
    if fmt in ("dollar", "euro"):
        sign = "-" if value < 0 else ""
        return f"{sign}{'$' if fmt == 'dollar' else '€'}{abs(value):,.{2 if digits is None else digits}f}"
    if fmt == "localized":
        return f"{value:,.{digits}f}"
    if fmt == "percent":
        return f"{value * 100:,.{max(digits - 2, 0)}f}%"
    return re.sub(r"%\.(\d)f", lambda m: f"{value:.{m[1]}f}", fmt)  # printf


def shown(fmt: columns.Format, value: float) -> str:
    """The browser's text for a value sent by `grid` (rounded first)."""
    return browser(fmt.column(), fmt.rounded(value))


@pytest.mark.parametrize(
    "fmt, value, text, in_browser",
    [
        (columns.money("USD"), 975_000, "$975,000", "$975,000"),
        (columns.money("USD"), 11_266.79, "$11,267", "$11,267"),  # .79 rounds up; a cut would say $11,266
        (columns.money("USD"), 2.5, "$2", "$2"),  # a tie goes to the even neighbour: 2
        (columns.money("USD"), 3.5, "$4", "$4"),  # … and here to 4
        (columns.money("EUR"), 1_234.5, "€1,234", "€1,234"),  # tie → even: 1,234
        (columns.money("GBP"), 1_234.4, "£1,234", "1,234"),  # no pound format: separators only, header says (£)
        (columns.number(1), 45.75, "45.8", "45.8"),  # 183 calls ÷ 4 weeks = 45.75, a tie → even: 45.8
        (columns.number(1), 66.25, "66.2", "66.2"),  # 265 ÷ 4 = 66.25 → 66.2 (rounding half up would say 66.3)
        (columns.number(1), 67.79, "67.8", "67.8"),  # a cut would say 67.7
        (columns.number(1), 1_234.56, "1,234.6", "1,234.6"),
        (columns.PERCENT, 0.9929, "99%", "99%"),  # 99.29% → 99%
        (columns.PERCENT, 0.2899, "29%", "29%"),  # 28.99% → 29% (a cut would say 28%)
        (columns.PERCENT, 0.665, "66%", "66%"),  # 0.665 × 100 = 66.5, a tie → even: 66%
        (columns.PACE, 2.14, "214%", "214%"),
        (columns.PACE, 18.66, "1,866%", "1,866%"),  # thousands separated, as the browser does
        (columns.RATIO, 2.94, "2.9×", "2.9×"),
        (columns.RATIO, 3.25, "3.2×", "3.2×"),  # tie → even
        (columns.RATIO, 3_028.64, "3,028.6×", "3028.6×"),  # Streamlit's printf has no thousands separator
    ],
)
def test_a_number_reads_in_the_browser_as_formatting_writes_it(fmt, value, text, in_browser):
    assert fmt.text(value) == text
    assert shown(fmt, value) == in_browser


@pytest.mark.parametrize(
    "values, fmt, need_free, sent, kind",
    [
        ([975_000.0, 11_266.79], columns.money("USD"), False, [975_000.0, 11_267.0], "number"),
        ([2.14, math.inf], columns.PACE, True, [2.14, math.nan], "number"),  # ∞ = nothing needed: blank
        ([1.25, math.inf], columns.number(1), False, ["1.2", "∞"], "text"),  # ∞ here is a need no pace can reach
        ([0.5, math.nan], columns.PERCENT, False, ["50%", "–"], "text"),  # a number format would write "None"
        ([math.nan, math.inf, 0.45], columns.PACE, True, ["–", "no need", "45%"], "text"),  # unknown ≠ no need
    ],
)
def test_grid_sends_numbers_it_can_format_and_text_otherwise(values, fmt, need_free, sent, kind):
    frame = pd.DataFrame({"Figure": values, "Manager": ["Uma Weber", *[None] * (len(values) - 1)]})
    data, config = columns.grid(frame, {"Figure": fmt}, {"Figure": "Figure (x)"}, ["Figure"] if need_free else [])
    got = data["Figure"].tolist()
    if kind == "number":
        assert got == pytest.approx(sent, nan_ok=True)
    else:
        assert got == sent
    assert config["Figure"]["type_config"]["type"] == kind and config["Figure"]["label"] == "Figure (x)"
    assert data["Manager"].tolist() == ["Uma Weber", *["–"] * (len(values) - 1)]  # blank text is "–", not "None"


# --- the Overview, through AppTest ----------------------------------------------------------------


def expected_text(column: str, value: float, currency: str) -> str:
    """How the Overview writes one of the domain's figures (formatting.py)."""
    if column in ("Quota", "Won", "Gap", "Past-due pipeline"):
        return money(value, currency)
    if column.endswith(" pace"):
        return "no need" if math.isinf(value) else percent(value)
    if column == "Coverage":
        return "no need" if math.isinf(value) else ratio(value)
    if column == "Coverage needed":
        return ratio(value)
    return percent(value) if column == "Attainment" else number(value, 1)


@pytest.fixture(scope="module")
def domain_rows(demo_engine):
    cfg = settings_store.load(demo_engine)
    as_of = periods.as_of_date(queries.last_data_day(demo_engine), TODAY)
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(demo_engine, cfg, period, as_of)
    return scorecard.overview_rows(card, list(card.reps)).set_index("Rep"), cfg.reporting_currency


def test_the_overview_table_reads_as_formatting_writes_the_domains_figures(demo_app, domain_rows):
    rows, currency = domain_rows
    at = demo_app(asof=TODAY.isoformat())
    grid = at.dataframe[0]
    data, config = grid.value.set_index("Rep"), json.loads(grid.proto.columns)
    assert grid.proto.placeholder == "no need"
    numeric = [c for c in rows.columns if c != "rep_id" and pd.api.types.is_float_dtype(rows[c])]
    assert len(numeric) == 16 and len(rows) == 24
    for column in numeric:
        assert config[column]["type_config"]["type"] == "number", column  # numbers: the column sorts by value
        for rep, value in rows[column].items():
            text = browser(config[column], data.loc[rep, column], grid.proto.placeholder)
            want = expected_text(column, value, currency)
            if column.endswith(" pace") or column.startswith("Coverage"):  # the browser may add a separator
                text, want = text.replace(",", ""), want.replace(",", "")
            assert text == want, (rep, column)
    assert "no need" in {browser(config["Calls pace"], v, "no need") for v in data["Calls pace"]}


@pytest.mark.parametrize(
    "column, label",
    [
        ("Quota", "Quota ($)"),
        ("Past-due pipeline", "Past-due pipeline ($)"),
        ("Calls pace", "Calls pace (% of needed)"),
        ("New opps pace", "New opps pace (% of needed)"),
        ("Attainment", None),
        ("Coverage", None),
    ],
)
def test_the_overview_table_keeps_its_headers(demo_app, column, label):
    config = json.loads(demo_app(asof=TODAY.isoformat()).dataframe[0].proto.columns)
    assert config[column].get("label") == label


def test_the_focus_table_writes_worth_as_money(demo_app):
    at = demo_app(asof=TODAY.isoformat())
    grid = next(d for d in at.dataframe if "Worth" in d.value.columns)
    config = json.loads(grid.proto.columns)["Worth"]
    assert config["label"] == "Worth (USD)"
    for value in grid.value["Worth"]:
        assert browser(config, value) == money(value)  # $390,542: sign, separators, whole dollars
        assert value == round(value)


OVERVIEW_FIT = [
    "Rep",
    "Team",
    "Attainment",
    "Gap",
    "Calls status",
    "Meetings status",
    "New opps status",
    "Coverage status",
]


@pytest.mark.parametrize(
    "cols, extra",
    [
        (None, []),
        ("Calls", ["Calls/wk needed", "Calls/wk actual", "Calls pace"]),
        ("Pipeline", ["Coverage", "Coverage needed", "Past-due pipeline"]),
    ],
)
def test_the_overview_table_shows_a_set_that_fits_and_the_rest_on_demand(demo_app, cols, extra):
    at = demo_app(**({"cols": cols} if cols else {}))
    grid = at.dataframe[0]
    shown = list(grid.proto.column_order)
    assert set(shown) == set(OVERVIEW_FIT) | set(extra)
    assert len(grid.value.columns) == 23  # every column is still sent: sorting, the meeting pack, the downloads


@pytest.mark.parametrize("write, calls", [  # each call after the one before: a number remembered, then the same again
    (money, [((1234.5,), "$1,234"), ((1234.5,), "$1,234"), ((np.float64(1234.5),), "$1,234"), ((2, "EUR"), "€2"),
             ((2.0, "EUR"), "€2"), ((0.0,), "$0"), ((-0.0,), "-$0"), ((float("nan"),), "–"), ((Decimal("7.5"),), "$8")]),
    (percent, [((1,), "100%"), ((1.0,), "100%"), ((0.0,), "0%"), ((-0.0,), "-0%"), ((0.256, 1), "25.6%"),
               ((0.256,), "26%")]),
    (number, [((2, 1), "2.0"), ((2.0, 1), "2.0"), ((2.0, 0), "2"), ((1234.25, 1), "1,234.2"), ((-2.5, 0), "-2")]),
])  # fmt: skip
def test_a_number_written_again_is_written_as_babel_writes_it(write, calls):
    """`formatting.remembered`: what a page writes on every rerun comes from memory, the same text as afresh."""
    for args, text in calls:
        assert write(*args) == text == write.__wrapped__(*args)
