"""The notice on every page that shows money: amounts converted at example rates, or with no rate at all."""

from __future__ import annotations

import streamlit as st

from breakthrough.metrics import money
from components import cache, sharing


@st.cache_data(show_spinner=False, max_entries=16)
def check(data_version) -> money.RateCheck:
    """Which currencies of the data are at example rates or have none, under the stored settings."""
    return money.rate_check(money.data_currencies(cache.engine()), cache.settings(data_version))


def texts(found: money.RateCheck) -> list[str]:
    """The notice in words, one sentence per kind of problem."""
    out = []
    if found.example:
        out.append(
            f"Amounts in {', '.join(found.example)} are converted at example rates — set your rates in Settings."
        )
    if found.missing:
        out.append(
            f"Amounts in {', '.join(found.missing)} have no exchange rate, so they are left out of every "
            "total — add a rate for them in Settings."
        )
    return out


def rates_notice() -> money.RateCheck:
    """Show the notice when it applies (nothing otherwise); return what was found."""
    found = check(cache.version())
    share = sharing.current()
    for text in texts(found):
        st.warning(text, icon=":material/currency_exchange:")
        if share is not None:
            share.notes.append(text)  # the meeting pack carries the same warning
    return found
