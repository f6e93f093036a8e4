"""KPI rows: a few headline figures side by side."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from breakthrough.formatting import percent


class Kpi(NamedTuple):
    label: str
    value: str
    help: str | None = None
    delta: str | None = None


def kpi_row(items: list[Kpi | tuple]) -> None:
    """One `st.metric` per KPI in equal columns; a delta is written in words, coloured by its sign."""
    for column, item in zip(st.columns(len(items)), items):
        kpi = Kpi(*item)
        column.metric(kpi.label, kpi.value, delta=kpi.delta, help=kpi.help, border=True)


def attainment_kpi(attainment: float | None, elapsed: float) -> Kpi:
    """Attainment, with how far it is ahead of or behind the share of the period elapsed.

    The delta is short (`-29 pts vs 63%`) so it fits a fifth of a 1280-pixel screen; the help says what 63% is.
    """
    delta = None
    if attainment is not None:
        points = (attainment - elapsed) * 100
        delta = f"{points:+.0f} pts vs {percent(elapsed)}"
    explained = (
        f"Won ÷ quota. Beside it: points ahead of (+) or behind (−) the {percent(elapsed)} of the period's "
        "working days gone."
    )
    return Kpi("Attainment", percent(attainment), explained, delta)
