"""Downloads carry the numbers as the screen shows them (issue #19, item 5): money to the unit, percentages
and ratios to one decimal, counts and averages to their column's decimals — never `46.79616288361969`.

Every table's CSV and Excel download on every page is made (the functions the buttons call on a click,
caught on their way to `sharing.downloads`) and every number in it checked against its header's unit.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from breakthrough import demo
from breakthrough.sharing import exports
from components import sharing

LOW_ACTIVITY = demo.STORIES["low_activity"]
MONEY_HEADER = re.compile(r"\((USD|EUR|GBP|CHF|JPY|\$|€|£)\)$")
PAGES = [
    ("pages/overview.py", {}),
    ("pages/rep.py", {"rep": LOW_ACTIVITY}),
    ("pages/coaching.py", {}),
    ("pages/pipeline.py", {}),
    ("pages/data.py", {}),
    ("pages/settings.py", {}),
]


@pytest.fixture
def made(demo_app, monkeypatch):
    """`made(page, **params)`: {table name: the table each of its download buttons writes}."""
    tables: dict[str, pd.DataFrame] = {}
    original = sharing.downloads

    def spy(frame, name, key=None, formats=None):
        tables[key or name] = frame() if callable(frame) else frame
        return original(frame, name, key, formats)

    monkeypatch.setattr(sharing, "downloads", spy)

    def run(page, **params):
        at = demo_app(page if page != "pages/overview.py" else None, **params)
        assert not at.exception
        return tables

    return run


def decimals(cell: str) -> int:
    return len(cell.split(".")[1]) if re.fullmatch(r"-?\d+\.\d+", cell) else 0


def is_number(cell: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", cell) is not None


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_every_download_is_rounded_as_the_screen_shows_it(made, page, params):
    tables = made(page, **params)
    assert tables or page == "pages/settings.py"
    for key, frame in tables.items():
        rows = list(csv.reader(io.StringIO(exports.csv_bytes(frame).decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        for i, name in enumerate(header):
            cells = [row[i] for row in body if is_number(row[i])]
            most = 0 if MONEY_HEADER.search(name) else 1
            assert all(decimals(c) <= most for c in cells), (key, name, [c for c in cells if decimals(c) > most][:3])
        book = openpyxl.load_workbook(io.BytesIO(exports.excel_bytes(frame, key, exports.excel_formats(frame))))
        sheet = book.active
        for column in sheet.iter_cols(min_row=1):
            name, cells = column[0].value, [c for c in column[1:] if isinstance(c.value, float)]
            most = 0 if MONEY_HEADER.search(str(name)) else 1
            assert all(round(c.value, most) == c.value for c in cells), (key, name)


def test_the_overview_download_matches_the_screen(made):
    tables = made("pages/overview.py")
    sheet = tables["overview_table"]
    assert {"Quota (USD)", "Won (USD)", "Attainment (%)", "Coverage (×)"} <= set(sheet.columns)
    assert all(isinstance(v, int) for v in sheet["Quota (USD)"])  # $975,000 on screen: 975000, not 975000.0
    assert all(round(v, 1) == v for v in sheet["Attainment (%)"] if isinstance(v, float))


@pytest.mark.parametrize(
    ("column", "kind", "values", "expected"),
    [
        ("Quota", "money", [1234.567, 975000.0], [1235, 975000]),
        ("Pace", "percent", [0.46796162883619, 1.0], [46.8, 100.0]),
        ("Coverage", "ratio", [3.256, 0.5], [3.3, 0.5]),
        ("Calls/wk", "other", [46.79616288361969, 2.0], [46.8, 2.0]),
        ("Deals", "other", [3, 4], [3, 4]),  # counts stay whole
    ],
)
def test_each_kind_of_number_is_rounded_by_one_rule(column, kind, values, expected):
    frame = pd.DataFrame({column: values})
    out = exports.spreadsheet_frame(frame, "USD", **({kind: [column]} if kind != "other" else {}))
    assert list(out.iloc[:, 0]) == expected
