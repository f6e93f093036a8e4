"""How a table's numbers are shown: Streamlit writes them in the browser, as breakthrough.formatting would.

`st.dataframe` gets numbers, so a column sorts by value, and one `st.column_config` per column
(a pandas Styler did this before, at ~60 ms a run for the Overview's 200 × 23 table). Streamlit
cuts a number to the column's decimals (it truncates, it does not round), so `grid` first rounds
each value as formatting.py rounds it (Python's `round`: half to even); the browser then writes
the same figure — `$975,000`, `66.2`, `45%`, `3.2×` in an English browser, with the reader's own
separators elsewhere. A number format cannot write a blank or an infinity ("None", "Infinity"),
so a column holding one is written as text by formatting.py — except where infinity means
"nothing needed" (a pace, a coverage): there the cell is left blank and the table says `no need`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from breakthrough import formatting

MONEY_FORMATS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}  # Streamlit's formats with a currency sign
NO_NEED = "no need"  # a pace or coverage with nothing needed (infinite)
BLANK = "–"


@dataclass(frozen=True)
class Format:
    """One kind of number: its text (formatting.py) and the Streamlit number format writing it the same way."""

    text: Callable[[float | None], str]
    streamlit: str  # NumberColumn(format=...)
    step: float | None = None  # Streamlit shows as many decimals as the step has
    scale: float = 1.0  # the text rounds value × scale (100 for a percentage)
    digits: int = 0  # … to this many decimals

    def column(self, label: str | None = None):
        return st.column_config.NumberColumn(label, format=self.streamlit, step=self.step)

    def rounded(self, value: float) -> float:
        """`value` rounded as `text` rounds it (float() first: numpy's own round is not Python's)."""
        return round(float(value) * self.scale, self.digits) / self.scale


def pace_text(value: float | None) -> str:
    """A pace ratio: `45%`, `no need` when nothing is needed (infinite), `–` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return BLANK
    return NO_NEED if math.isinf(value) else formatting.percent(value)


def money(currency: str) -> Format:
    """Whole units with thousands separators and the currency's sign (`$975,000`; no sign if Streamlit has none)."""
    return Format(partial(formatting.money, currency=currency), MONEY_FORMATS.get(currency, "localized"), step=1)


def number(digits: int = 1) -> Format:
    """A count or average with `digits` decimals and thousands separators (`1,234.5`)."""
    return Format(partial(formatting.number, digits=digits), "localized", step=10.0**-digits, digits=digits)


PERCENT = Format(formatting.percent, "percent", step=0.01, scale=100)  # 0.853 → 85%
PACE = Format(pace_text, "percent", step=0.01, scale=100)
RATIO = Format(formatting.ratio, "%.1f×", digits=1)  # 3.2×


def grid(
    frame: pd.DataFrame, formats: dict[str, Format], labels: dict[str, str] | None = None, need_free: Iterable[str] = ()
) -> tuple[pd.DataFrame, dict]:
    """What `st.dataframe` gets for `frame`, and its column config (`labels` rename columns on screen).

    `need_free`: columns where infinity means nothing is needed; pass `placeholder=NO_NEED` with them.
    """
    labels, need_free = labels or {}, set(need_free)
    out, config = frame.copy(), {col: st.column_config.Column(label) for col, label in labels.items()}
    for col in out.columns:
        values, fmt = out[col], formats.get(col)
        if fmt is None:
            out[col] = values.fillna(BLANK) if values.isna().any() else values
            continue
        infinite = np.isinf(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
        blank = values.isna().to_numpy()
        if not blank.any() and (col in need_free or not infinite.any()):
            out[col] = [math.nan if inf else fmt.rounded(v) for v, inf in zip(values, infinite)]
            config[col] = fmt.column(labels.get(col))
        else:
            out[col] = [fmt.text(v) for v in values]
            config[col] = st.column_config.TextColumn(labels.get(col))
    return out, config


def as_text(frame: pd.DataFrame, formats: dict[str, Format]) -> pd.DataFrame:
    """The table as people see it, every formatted column as text (the meeting pack)."""
    out = frame.copy()
    for col, fmt in formats.items():
        if col in out.columns:
            out[col] = [fmt.text(v) for v in out[col]]
    return out
