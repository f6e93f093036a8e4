"""Downloads (docs/sharing.md#downloads): tables as CSV and Excel, and the meeting pack.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula, so a rep or deal named
`=HYPERLINK(…)` could run in a leader's Excel. Every such text cell, and column
name, gets a leading single quote: it is shown, never run. Numbers stay numbers.

The meeting pack is one self-contained HTML file: the banner, the link, every
table and every chart of the view, with plotly.js written into the file once so
the charts stay interactive with no network. Its page is the Jinja2 template
`templates/meeting_pack.html.j2`, rendered with autoescape: text from data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypeGuard

import numpy as np
import pandas as pd

from breakthrough.sharing import visibility

if TYPE_CHECKING:
    import jinja2

# openpyxl and jinja2 are imported where a file is made, not with this module: a quarter of a second off every
# page's first start.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """A text cell starting with = + - @ (or a tab / carriage return, or spaces before one) gets a leading `'`."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell (and column name) neutralised."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out.isetitem(i, col.map(neutralise).astype(object))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a BOM, so spreadsheets read accents), formulas neutralised."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str = "Table", formats: dict[str, str] | None = None) -> bytes:
    """The frame as an .xlsx workbook: bold header, numbers as numbers (with `formats` by column), formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook has its one sheet
    ws.title = sheet_title(sheet)
    safe = safe_frame(frame)
    ws.append([_excel_value(c) for c in safe.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in safe.itertuples(index=False):
        ws.append([_excel_value(v) for v in row])
    _number_formats(ws, list(frame.columns), formats or {})
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_title(text: str) -> str:
    """A valid worksheet name: at most 31 characters, none of `[]:*?/\\`."""
    return SHEET_NAME.sub(" ", _illegal().sub("", text)).strip()[:31] or "Table"


def _excel_value(value: object) -> object:
    """A cell value openpyxl can write: blanks empty, infinities as `∞`, control characters dropped."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _excel_value(value.item())
    if isinstance(value, dt.datetime) and value.tzinfo:
        return value.replace(tzinfo=None)
    if isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    return _illegal().sub("", str(value))


def _illegal() -> re.Pattern:
    """The characters openpyxl refuses in a cell (control characters)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def _number_formats(ws, columns: list[str], formats: dict[str, str]) -> None:
    """Number formats by column name, and columns wide enough for their header."""
    from openpyxl.utils import get_column_letter

    for i, name in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(len(str(name)) + 2, 10), 40)
        if name in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = formats[name]


def spreadsheet_frame(
    frame: pd.DataFrame,
    currency: str = "USD",
    money: Sequence[str] = (),
    percent: Sequence[str] = (),
    ratio: Sequence[str] = (),
    numbers: dict[str, int] | None = None,
    raw: Sequence[str] = (),
) -> pd.DataFrame:
    """A shown table for a spreadsheet: numbers stay numbers, rounded as the screen shows them; each header
    says its unit.

    Money is rounded to the unit with the currency in the header (`Quota (USD)`); a percentage is written
    in percent to one decimal (0.853 → 85.3, header `Pace (%)`); a ratio to one decimal (header
    `Coverage (×)`); a column of `numbers` to its decimals; any other fractional number to one decimal,
    except the `raw` columns, kept as they are.
    """
    out = frame.copy()
    names = {}
    digits = {c: d for c, d in (numbers or {}).items()}
    scaled = [(money, currency, 1, MONEY_DIGITS), (percent, "%", 100, 1), (ratio, "×", 1, 1)]
    for cols, unit, scale, places in scaled:
        for col in [c for c in cols if c in out.columns]:
            out[col] = _scaled(out[col], scale, places)
            names[col] = f"{col} ({unit})"
    declared = {*money, *percent, *ratio, *raw}
    for col in [c for c in out.columns if c not in declared]:
        if col in digits or pd.api.types.is_float_dtype(out[col]) or out[col].dtype == object:
            out[col] = _scaled(out[col], 1, digits.get(col, OTHER_DIGITS))
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or (pd.api.types.is_float_dtype(col) and np.isinf(col).any()):
            out.isetitem(i, col.map(_finite))
    return out.rename(columns=names)


MONEY_DIGITS = 0  # money to the unit, as every table shows it
OTHER_DIGITS = 1  # a fraction no column format speaks for (`number()`'s default on screen)


def excel_formats(sheet: pd.DataFrame) -> dict[str, str]:
    """Excel number formats for a `spreadsheet_frame`: thousands separators and the decimals its numbers have."""
    formats = {}
    for col in map(str, sheet.columns):
        values = [v for v in sheet[col] if _is_number(v) and math.isfinite(v)]
        if values:
            places = max(_decimals(v) for v in values)
            formats[col] = "#,##0" + ("." + "0" * places if places else "")
    return formats


def _decimals(value: float) -> int:
    """How many decimals a rounded number has (at most 2)."""
    for places in range(3):
        if round(float(value), places) == float(value):
            return places
    return 2


def _scaled(col: pd.Series, scale: float, digits: int) -> pd.Series:
    """Numbers × `scale`, rounded (whole numbers stay whole); text left as it is."""
    if pd.api.types.is_integer_dtype(col) and scale == 1:
        return col
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        out = (col.astype(float) * scale).round(digits)
        return pd.Series([_whole(v) for v in out], index=out.index, dtype=object) if digits == 0 else out
    return col.map(lambda v: _rounded(v * scale if _is_number(v) else v, digits))


def _finite(value: object) -> object:
    """Infinity written as `∞` (a spreadsheet has no infinite number)."""
    if _is_number(value) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return value


def _is_number(value: object) -> TypeGuard[float]:  # any real number (ints and numpy's too), not a bool
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _rounded(value: object, digits: int) -> object:
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return int(value)  # a count stays a count
    if _is_number(value) and math.isfinite(value):
        return _whole(round(float(value), digits)) if digits == 0 else round(float(value), digits)
    return value


def _whole(value: object) -> object:
    """A number rounded to the unit as an int (`1235`, not `1235.0` in a CSV); blanks and infinities as they are."""
    return int(value) if _is_number(value) and math.isfinite(value) else value


# --- the meeting pack -------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One part of the meeting pack: a table (already formatted for people) or a Plotly figure."""

    title: str
    table: pd.DataFrame | None = None
    figure: object | None = None  # a plotly.graph_objects.Figure


@cache
def templates() -> jinja2.Environment:
    """The HTML templates of the packs and sheets (under templates/), escaped."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("breakthrough.sharing", "templates"),
        autoescape=jinja2.select_autoescape(("html", "html.j2")),
    )


def meeting_pack(
    title: str,
    banner: str,
    link: str,
    sections: Sequence[Section],
    created: dt.datetime,
    notes: Sequence[str] = (),
) -> str:
    """The view as one self-contained HTML page (plotly.js inline once, so charts work offline)."""
    parts = []
    plotly_included = False
    for section in sections:
        figure = None
        if section.figure is not None:
            figure = _roomy(section.figure).to_html(
                full_html=False,
                include_plotlyjs=not plotly_included,
                include_mathjax=False,
                config={"displaylogo": False, "responsive": True},
            )
            plotly_included = True
        table = None if section.table is None else _pack_table(section.table)
        parts.append({"title": section.title, "table": table, "figure": figure})
    return (
        templates()
        .get_template("meeting_pack.html.j2")
        .render(
            title=title,
            banner=banner,
            link=link,
            clickable=link.startswith(("http://", "https://")),
            created=created.strftime("%d %b %Y %H:%M"),
            notes=list(notes),
            sections=parts,
        )
        + "\n"
    )


def _roomy(figure):
    """A copy of the figure whose axes make room for their labels (long rep names are not cut)."""
    import plotly.graph_objects as go

    return go.Figure(figure).update_xaxes(automargin=True).update_yaxes(automargin=True)


def _pack_table(table: pd.DataFrame) -> str:
    """A formatted table as escaped HTML (no index, blanks as `–`); never with coaching notes (`visibility`)."""
    return visibility.for_pack(table).to_html(index=False, escape=True, na_rep="–", border=0)


def file_stem(*parts: str) -> str:
    """A file name stem from words: `breakthrough-overview-2026-11-27`."""
    text = "-".join(p for p in parts if p)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return stem[:80] or "breakthrough"
