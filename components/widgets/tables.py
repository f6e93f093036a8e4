"""Tables: numbers stay numbers (so columns sort) and are shown formatted for people."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from breakthrough import formatting
from breakthrough.formatting import SYMBOLS, status
from breakthrough.metrics import drivers
from breakthrough.sharing import exports
from components import sharing
from components.widgets import columns

MONEY = ("Quota", "Won", "Gap", "Past-due pipeline")


def with_statuses(frame: pd.DataFrame) -> pd.DataFrame:
    """Status columns written in words: `on track` / `at risk` / `behind` (a table cell cannot show an icon font)."""
    out = frame.copy()
    for col in [c for c in out.columns if c.lower().endswith("status")]:
        out[col] = out[col].map(status)
    return out


# The Overview's columns: a set that fits a laptop's main column, and the rest on demand (the download holds all).
ALWAYS = ("Rep", "Team", "Attainment", "Gap", "Calls status", "Meetings status", "New opps status", "Coverage status")
DETAIL = {
    "Quota and won": ("Quota", "Won"),
    "Manager": ("Manager",),
    "Calls": ("Calls/wk needed", "Calls/wk actual", "Calls pace"),
    "Meetings": ("Meetings/wk needed", "Meetings/wk actual", "Meetings pace"),
    "New opps": ("New opps/wk needed", "New opps/wk actual", "New opps pace"),
    "Pipeline": ("Coverage", "Coverage needed", "Past-due pipeline"),
}
ROW_PX, MOST_ROWS = 35, 30  # st.dataframe's row height; a 24-rep team shows whole, a bigger one scrolls


def fit_height(rows: int) -> int:
    """A table's height showing up to `MOST_ROWS` rows and its header without scrolling inside it."""
    return (min(max(rows, 1), MOST_ROWS) + 1) * ROW_PX + 3


def shown_columns(available, always=ALWAYS, detail=None, key: str = "cols", label: str = "More columns") -> list[str]:
    """The columns to show: `always`, and the `detail` groups the reader picks (bound to the link as `key`)."""
    detail = DETAIL if detail is None else detail
    picked = st.pills(
        label,
        list(detail),
        selection_mode="multi",
        key=key,
        bind="query-params",
        help="The table shows what fits the screen; pick what else to see. The CSV and Excel downloads hold every column.",
    )
    wanted = [*always, *(col for group in picked or [] for col in detail[group])]
    return [col for col in wanted if col in set(available)]


def overview_table(rows: pd.DataFrame, currency: str) -> None:
    """The Overview's rep table, sortable by every column (sorting uses the numbers); downloadable.

    Numbers stay numbers and `st.column_config` formats them (components.widgets.columns); a pace or
    coverage with nothing needed is blank, shown as "no need".
    """
    shown = with_statuses(sharing.private(rows).drop(columns=["rep_id"]))
    paces = [col for col in shown.columns if col.endswith(" pace")]
    ratios = ("Coverage", "Coverage needed")
    formats = {col: columns.money(currency) for col in MONEY} | {"Attainment": columns.PERCENT}
    formats |= {col: columns.PACE for col in paces} | {col: columns.number(1) for col in shown.columns if "/wk" in col}
    formats |= {col: columns.RATIO for col in ratios}
    labels = {col: f"{col} ({SYMBOLS.get(currency) or currency})" for col in MONEY}
    labels |= {col: f"{col} (% of needed)" for col in paces}
    data, config = columns.grid(shown, formats, labels, need_free=[*paces, "Coverage"])
    picked = set(shown_columns(shown.columns))
    visible = [col for col in shown.columns if col in picked]
    st.dataframe(
        data,
        column_config=config,
        column_order=visible,
        hide_index=True,
        width="stretch",
        height=fit_height(len(data)),
        key="overview_table",
        placeholder=columns.NO_NEED,
    )
    _offer(
        lambda: exports.spreadsheet_frame(
            shown, currency, MONEY, ["Attainment", *paces], ratios, {col: 1 for col in shown.columns if "/wk" in col}
        ),
        columns.as_text(shown, formats).rename(columns=labels),
        "Every rep against the pace quota needs",
        "overview",
        "overview_table",
    )


def table(
    frame: pd.DataFrame,
    currency: str = "USD",
    money: tuple[str, ...] = (),
    percent: tuple[str, ...] = (),
    numbers: dict[str, int] | None = None,
    key: str | None = None,
    title: str | None = None,
    fits: tuple[str, ...] | None = None,
    detail: dict[str, tuple[str, ...]] | None = None,
    tall: bool | None = None,
) -> None:
    """Any table: money, percentages and numbers formatted, statuses in words, blanks as `–`; downloadable.

    Other reps' names are hidden in privacy mode; `title` names it in the meeting pack and the file names.
    `fits` and `detail`: the columns shown at first (a set that fits a laptop) and the groups of the rest a
    "More columns" picker adds (bound to the link as `<key>_cols`; without `detail`, only `fits` are shown);
    every column is still sent and downloaded. A `tall` table (by default, one with a picker: a list of reps)
    shows up to `MOST_ROWS` rows without scrolling inside it (a 24-rep team whole).
    """
    shown = with_statuses(sharing.private(frame))
    for col in (*money, *percent, *(numbers or {})):
        shown[col] = pd.to_numeric(shown[col], errors="coerce")  # None → NaN, shown as "–"
    formats = {col: (lambda v: formatting.money(v, currency)) for col in money}
    formats |= {col: columns.pace_text for col in percent}
    formats |= {col: (lambda v, d=d: formatting.number(v, d)) for col, d in (numbers or {}).items()}
    order = None
    if fits is not None:
        picked = set(shown_columns(shown.columns, fits, detail, key=f"{key}_cols") if detail else fits)
        order = [col for col in shown.columns if col in picked]
    st.dataframe(
        _displayed(shown, formats),
        hide_index=True,
        width="stretch",
        key=key,
        column_order=order,
        height=fit_height(len(shown)) if (bool(fits is not None and detail) if tall is None else tall) else "auto",
    )
    name = title or (key or "table").replace("_", " ").capitalize()
    # Both made only when asked for (a download, the meeting pack): ~90 ms a run on the Coaching page at S.
    sheet = functools.partial(exports.spreadsheet_frame, shown, currency, money, percent, numbers=numbers)
    _offer(sheet, functools.partial(_formatted, shown, formats), name, name, key)


def rates_table(rates: pd.DataFrame, currency: str) -> None:
    """Conversion rates as percentages, the average deal as money, with sample sizes."""

    def show(label: str, value: float | None) -> str:
        key = drivers.key_of(label)
        if key is not None and drivers.DRIVERS[key].unit == "money":  # deal size
            return formatting.money(value, currency)
        return formatting.percent(value, 1)

    shown = rates.copy()
    for col in ("Used in the funnel", "Rep's own"):
        shown[col] = [show(label, v) for label, v in zip(rates["Rate"], rates[col])]
    st.dataframe(shown, hide_index=True, width="stretch", key="rep_rates")
    _offer(shown, shown, "Conversion rates", "conversion rates", "rep_rates")


STYLER_UUID = "bt"  # every table's Styler id (`_displayed`)


def _displayed(shown: pd.DataFrame, formats: dict):
    """What st.dataframe gets: numbers stay numbers (they sort) but are shown formatted; a column
    with blanks is shown as text, because Streamlit writes a blank number as "None"."""
    out = shown.copy()
    with_blanks = [c for c in formats if c in out.columns and out[c].isna().any()]
    for col in with_blanks:
        out[col] = [formats[col](v) if pd.notna(v) else "–" for v in out[col]]
    numeric = {c: f for c, f in formats.items() if c not in with_blanks}
    # A fixed id, not pandas' random one: the same table then makes the same message, which the browser has
    # cached and Streamlit does not send again (the Data page's 180 KB table went out again on every rerun).
    styler = out.style.set_uuid(STYLER_UUID).format(numeric)
    # "–" for a blank: only where there is one. `na_rep` over the whole table wraps every cell's formatter in a
    # pandas `isna` call (0.3 s a run for the Coaching page's eight tables at M); a column with no blank shows
    # the same without it, and the formatted columns have none (those with blanks are text above).
    blanks = [c for c in out.columns if c not in numeric and out[c].isna().any()]
    return styler.format(None, subset=blanks, na_rep="–") if blanks else styler


def _formatted(shown: pd.DataFrame, formats: dict) -> pd.DataFrame:
    """The table as people see it (every formatted column as text), for the meeting pack."""
    out = shown.copy()
    for col, fmt in formats.items():
        if col in out.columns:
            out[col] = [fmt(v) for v in out[col]]
    return out


def _offer(sheet, formatted, title: str, name: str, key: str | None) -> None:
    """CSV and Excel downloads of `sheet` (numbers stay numbers), and `formatted` in the meeting pack: each a
    frame, or a function making it when a button is clicked."""
    sharing.downloads(sheet, name, key, exports.excel_formats)
    sharing.record_table(title, formatted)
