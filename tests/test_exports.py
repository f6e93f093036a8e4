"""Downloads: CSV and Excel with spreadsheet formulas neutralised, and the self-contained meeting pack."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from breakthrough.sharing import exports
from breakthrough.sharing.exports import Section

HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),  # a tab before the formula
        ("\r=1+1", "'\r=1+1"),  # a carriage return before it
        ("   =1+1", "'   =1+1"),  # spaces before it
        (HOSTILE, "'" + HOSTILE),
        ("Sofía Álvarez", "Sofía Álvarez"),  # names are untouched
        ("a=b+c", "a=b+c"),  # only the first character counts
        ("", ""),
        ("'already quoted", "'already quoted"),
        (12, 12),  # numbers stay numbers, negative ones too
        (-5.5, -5.5),
        (None, None),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(value, expected):
    assert exports.neutralise(value) == expected


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rep": [HOSTILE, "Sofía Álvarez", "@evil", "Sam\x01 Lee"],
            "Amount": [1200.5, -300.0, np.nan, float("inf")],
            "=Header": ["-1", "ok", None, "+x"],
        }
    )


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads the accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_neutralises_every_text_cell_and_header_and_keeps_numbers():
    rows = read_csv(exports.csv_bytes(hostile_frame()))
    assert rows[0] == ["Rep", "Amount", "'=Header"]
    assert rows[1] == ["'" + HOSTILE, "1200.5", "'-1"]
    assert rows[2] == ["Sofía Álvarez", "-300.0", "ok"]
    assert rows[3] == ["'@evil", "", ""]
    assert rows[4][0] == "Sam\x01 Lee" and rows[4][2] == "'+x"
    assert len(rows) == 5  # header + 4 rows


def test_csv_keeps_duplicate_column_names():
    frame = pd.DataFrame([["=a", 1]], columns=["x", "x"])
    assert read_csv(exports.csv_bytes(frame)) == [["x", "x"], ["'=a", "1"]]


def load_sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_excel_holds_no_formula_and_numbers_stay_numbers():
    ws = load_sheet(exports.excel_bytes(hostile_frame(), "Deals", {"Amount": "#,##0.00"}))
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no cell is a formula
    assert [c.value for c in ws[1]] == ["Rep", "Amount", "'=Header"]
    assert [c.value for c in ws[2]] == ["'" + HOSTILE, 1200.5, "'-1"]
    assert ws["B2"].number_format == "#,##0.00" and ws["B2"].data_type == "n"
    assert [c.value for c in ws[4]] == ["'@evil", None, None]  # blanks stay blank
    assert ws["A5"].value == "Sam Lee"  # a control character Excel cannot hold is dropped
    assert ws["B5"].value == "∞"  # a spreadsheet has no infinity
    assert ws.title == "Deals" and ws.freeze_panes == "A2"


def test_excel_writes_dates_and_timezone_aware_timestamps():
    frame = pd.DataFrame(
        {
            "Day": [dt.date(2026, 11, 27)],
            "When": [pd.Timestamp("2026-11-27 09:30", tz="Europe/Berlin")],
            "Count": [np.int64(7)],
            "Flag": [np.bool_(True)],
        }
    )
    ws = load_sheet(exports.excel_bytes(frame))
    assert ws["A2"].value == dt.datetime(2026, 11, 27, 0, 0)
    assert ws["B2"].value == dt.datetime(2026, 11, 27, 9, 30)  # wall-clock time, zone dropped
    assert ws["C2"].value == 7 and ws["D2"].value is True


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Overview", "Overview"),
        ("Q4 FY2026 [EMEA]: a/b?", "Q4 FY2026  EMEA   a b"),  # []:/? are not allowed, ends trimmed
        ("x" * 40, "x" * 31),  # at most 31 characters
        ("***", "Table"),  # nothing left: a default
    ],
)
def test_sheet_names_are_valid(name, expected):
    assert exports.sheet_title(name) == expected


def test_spreadsheet_frame_writes_units_in_headers():
    frame = pd.DataFrame(
        {
            "Rep": ["Ann", "Bob"],
            "Quota": [1234.567, np.nan],
            "Pace": [0.8534, float("inf")],
            "Coverage": [3.256, 0.5],
        }
    )
    out = exports.spreadsheet_frame(frame, "EUR", money=["Quota"], percent=["Pace"], ratio=["Coverage"])
    assert list(out.columns) == ["Rep", "Quota (EUR)", "Pace (%)", "Coverage (×)"]
    assert out["Quota (EUR)"][0] == 1235  # rounded to the unit, as every table shows money
    assert math.isnan(out["Quota (EUR)"][1])  # unknown stays blank
    assert out["Pace (%)"][0] == 85.3  # 0.8534 × 100 = 85.34 → 85.3
    assert out["Pace (%)"][1] == "∞"  # infinity in words a spreadsheet can hold
    assert list(out["Coverage (×)"]) == [3.3, 0.5]  # one decimal, as on screen (3.3×)
    assert list(frame.columns) == ["Rep", "Quota", "Pace", "Coverage"]  # the input is not changed


def bar(title: str) -> go.Figure:
    return go.Figure(go.Bar(x=["<b>Sam</b>", "Ann"], y=[1, 2])).update_layout(title=title)


def pack(**overrides) -> str:
    args = dict(
        title="Overview",
        banner="Q4 FY2026 · EMEA · as of 27 Nov 2026 · benchmark: top quartile",
        link="http://bt.example/?team=EMEA&rep=Tom+%26+Jerry",
        sections=[
            Section(
                "Reps",
                table=pd.DataFrame(
                    {"Rep": ["<script>alert(1)</script>", "Tom & Jerry"], "Quota ($)": ["$1,000", None]}
                ),
            ),
            Section("Pace chart", figure=bar("Pace")),
            Section("Activity chart", figure=bar("Activity")),
        ],
        created=dt.datetime(2026, 11, 27, 9, 5),
    )
    return exports.meeting_pack(**(args | overrides))


def test_meeting_pack_is_one_page_with_banner_link_tables_and_charts():
    html = pack()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<h1>Overview</h1>" in html
    assert "Q4 FY2026 · EMEA · as of 27 Nov 2026 · benchmark: top quartile" in html
    assert '<a href="http://bt.example/?team=EMEA&amp;rep=Tom+%26+Jerry">' in html
    assert "Pack made 27 Nov 2026 09:05" in html
    assert html.index("<h2>Reps</h2>") < html.index("<h2>Pace chart</h2>") < html.index("<h2>Activity chart</h2>")
    assert html.count("Plotly.newPlot") == 2  # both charts drawn…
    assert html.count("* plotly.js v") == 1  # …by plotly.js written into the file once
    assert not re.search(r"<(script|link|img)[^>]*\s(src|href)=", html)  # nothing fetched from the network
    assert "<td>–</td>" in html  # a blank cell shows a dash


def test_meeting_pack_escapes_text_from_data():
    html = pack(title="<i>Board</i>", banner="Team <b>Atlantis</b>")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry" in html
    assert "<h1>&lt;i&gt;Board&lt;/i&gt;</h1>" in html and "Team &lt;b&gt;Atlantis&lt;/b&gt;" in html
    assert "\\u003cb\\u003eSam" in html  # chart data is JSON-escaped inside its script


def test_meeting_pack_escapes_section_titles_notes_and_the_link_attribute():
    html = pack(
        link='https://bt.example/?q="><script>alert(2)</script>',
        notes=["<script>alert(3)</script>"],
        sections=[Section("<img src=x onerror=alert(4)>", table=pd.DataFrame({"A": [1]}))],
    )
    assert "<script>alert" not in html and "<img src=x" not in html
    assert '<a href="https://bt.example/?q=&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;">' in html
    assert '<p class="note">&lt;script&gt;alert(3)&lt;/script&gt;</p>' in html
    assert "<h2>&lt;img src=x onerror=alert(4)&gt;</h2>" in html


@pytest.mark.parametrize(
    "link, anchor",
    [
        ("https://bt.example/?a=1", True),
        ("javascript:alert(1)", False),  # never a clickable script link
        ("?team=EMEA", False),  # no address known (tests): shown as text
    ],
)
def test_meeting_pack_links_only_web_addresses(link, anchor):
    html = pack(link=link)
    assert ('Live view: <a href="' in html) is anchor


def test_meeting_pack_notes_are_shown():
    html = pack(notes=["Privacy mode: other reps are shown as Rep A, Rep B…"])
    assert '<p class="note">Privacy mode: other reps are shown as Rep A, Rep B…</p>' in html


def test_meeting_pack_keeps_long_axis_labels_whole():
    html = pack()
    assert '"automargin":true' in html.replace(" ", "")


@pytest.mark.parametrize(
    "parts, expected",
    [
        (("breakthrough", "Overview", "2026-11-27"), "breakthrough-overview-2026-11-27"),
        (("breakthrough", "Rep open deals", ""), "breakthrough-rep-open-deals"),
        (("breakthrough", "Équipe / <EMEA>", "2026-11-27"), "breakthrough-quipe-emea-2026-11-27"),
        (("",), "breakthrough"),
    ],
)
def test_file_names_are_plain(parts, expected):
    assert exports.file_stem(*parts) == expected
