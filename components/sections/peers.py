"""Among your peers: a manager's or rep's figures beside their peers' as an anonymised distribution
(docs/access.md#roles) — the values alone, never a name, and only when there are enough to hide who is who."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from breakthrough.access import Scope
from breakthrough.formatting import percent
from breakthrough.metrics.view import View
from components import cache, sharing

FEWEST = 3  # fewer peers than this could be told apart: not shown


def section(view: View, card, scope: Scope) -> None:
    """`card`: the viewer's own scorecard (`cache.card`); the peers' values are `cache.peer_distribution`'s."""
    if not scope.anonymised_peers:
        return
    values = cache.peer_distribution(view.period.key, view.as_of, cache.version(), scope)
    who = "your peers' teams" if scope.role == "manager" else "your teammates"
    st.subheader("Among your peers (anonymised)")
    if len(values) < FEWEST:
        st.caption(f"Too few reps in {who} to show their attainment without giving away who is who.")
        return
    n = len(values)
    low, middle, high = (float(q) for q in np.percentile(values, [25, 50, 75]))
    own = card.totals([i for i in view.rep_ids if i in card.reps])["attainment"]
    mine = "your team" if scope.role == "manager" else "you"
    st.caption(
        f"Attainment of the {n} reps of {who}, without names: median {percent(middle)}, middle half "
        f"{percent(low)}–{percent(high)}. {mine.capitalize()}: {percent(own) if own is not None else '–'}."
    )
    fig = go.Figure(go.Box(x=list(values), boxpoints="all", name="", hoverinfo="x", marker={"color": "#888"}))
    if own is not None:
        fig.add_vline(x=own, line_color="#c0392b", annotation_text=mine, annotation_position="top")
    fig.update_layout(height=180, margin={"l": 10, "r": 10, "t": 30, "b": 30}, xaxis_tickformat=".0%")
    sharing.chart(fig, key="peer_distribution", title="Among your peers (anonymised)", private=True)
