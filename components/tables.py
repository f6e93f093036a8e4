"""Tables: numbers stay numbers (so columns sort), formatted for people."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from breakthrough.formatting import SYMBOLS, status


def with_statuses(frame: pd.DataFrame) -> pd.DataFrame:
    """Status columns written as `✅ on track` / `⚠️ at risk` / `⛔ behind`."""
    out = frame.copy()
    for col in [c for c in out.columns if c.endswith("status")]:
        out[col] = out[col].map(status)
    return out


def overview_table(rows: pd.DataFrame, currency: str) -> None:
    """The Overview's rep table, sortable by every column."""
    shown = with_statuses(rows.drop(columns=["rep_id"]))
    for col in ("Quota", "Won", "Gap", "Past-due pipeline"):
        shown[col] = shown[col].round(0)
    for col in [c for c in shown.columns if c.endswith(" pace") or c == "Attainment"]:
        shown[col] = shown[col] * 100
    sym = SYMBOLS.get(currency, "")
    config = {
        col: st.column_config.NumberColumn(f"{col} ({sym or currency})", format="localized")
        for col in ("Quota", "Won", "Gap", "Past-due pipeline")
    }
    config |= {
        col: st.column_config.NumberColumn(col + (" %" if col == "Attainment" else " (% of needed)"), format="%.0f%%")
        for col in shown.columns if col.endswith(" pace") or col == "Attainment"
    }
    config |= {col: st.column_config.NumberColumn(col, format="%.1f") for col in shown.columns if "/wk" in col}
    config |= {col: st.column_config.NumberColumn(col, format="%.1f×") for col in ("Coverage", "Coverage needed")}
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", key="overview_table")
