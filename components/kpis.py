"""KPI rows: a few headline figures side by side."""

from __future__ import annotations

import streamlit as st


def kpi_row(items: list[tuple[str, str, str | None]]) -> None:
    """One `st.metric` per (label, value, help) in equal columns."""
    for column, (label, value, help_text) in zip(st.columns(len(items)), items):
        column.metric(label, value, help=help_text, border=True)
