"""Data health on the Data page: what weakens the figures, and the records behind each check."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from breakthrough.access import Scope
from breakthrough.access import people as access_people
from breakthrough.formatting import day
from breakthrough.importing import data_health
from components import cache
from components.signin import current_scope
from components.widgets import tables


@st.cache_data(show_spinner=False, max_entries=8)
def _checks(as_of: dt.date, version, scope: Scope) -> list[data_health.Check]:
    """Data health's checks: every team's records, so only for a scope that sees every team."""
    return access_people.every_team(data_health.checks(cache.engine(), cache.settings(version), as_of), scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _records(key: str, as_of: dt.date, version, scope: Scope) -> pd.DataFrame:
    return access_people.every_team(data_health.records(cache.engine(), key, cache.settings(version), as_of), scope)


def section(as_of: dt.date, version) -> None:
    checks = _checks(as_of, version, current_scope())
    st.caption(f"What weakens the figures, as of {day(as_of)}. Pick a line to see the records behind it.")
    table = pd.DataFrame([(c.label, c.count, c.why) for c in checks], columns=["Check", "Records", "What to do"])
    table["Status"] = ["none" if n == 0 else "to fix" for n in table["Records"]]
    st.dataframe(
        table[["Status", "Check", "Records", "What to do"]],
        hide_index=True,
        width="stretch",
        key="health_table",
        column_config={
            "Check": st.column_config.TextColumn(width="medium"),
            "What to do": st.column_config.TextColumn(width="large"),
        },
    )
    flagged = {c.key: f"{c.label} ({c.count:,})" for c in checks if c.count}
    if not flagged:
        return
    key = st.selectbox("Show the records behind", list(flagged), format_func=flagged.get, key="health_pick")
    frame = _records(key, as_of, version, current_scope())
    total = next(c.count for c in checks if c.key == key)
    if len(frame) < total:
        st.caption(f"The first {len(frame):,} of {total:,}.")
    tables.table(
        frame,
        numbers={"Amount": 0} if "Amount" in frame else None,
        key="health_records",
        title=f"Data health – {flagged[key]}",
    )
