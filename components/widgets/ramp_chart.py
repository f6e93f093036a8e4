"""The ramp plot: attainment by month of tenure, the new hires against the cohort's median and top quartile."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

CAP = 300.0  # the y-axis stops here: one hire at 600 % would flatten everyone else
COHORT = {"median": ("Cohort median", "#6b7280", "dash"), "top_quartile": ("Top quartile (what great looked like)",
                                                                          "#2e7d32", "dot")}  # fmt: skip


def ramp(curve: pd.DataFrame, hires: pd.DataFrame) -> go.Figure:
    """`curve`: the cohort's attainment points (tenure_month, n, median, top_quartile; hidden points NaN);
    `hires`: the new hires' rows (name, tenure_month, attainment). Percentages on the y-axis."""
    fig = go.Figure()
    shown = curve.dropna(subset=["median"])
    for column, (name, colour, dash) in COHORT.items():
        fig.add_scatter(
            x=shown["tenure_month"],
            y=shown[column] * 100,
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 2},
            customdata=shown[["n"]].to_numpy(),
            hovertemplate=f"Month %{{x}}: {name.lower()} %{{y:.0f}}% of quota (%{{customdata[0]}} reps)<extra></extra>",
        )
    for name, rows in hires.groupby("name", sort=True):
        rows = rows.sort_values("tenure_month")
        fig.add_scatter(
            x=rows["tenure_month"],
            y=rows["attainment"] * 100,
            name=str(name),
            mode="lines+markers",
            line={"width": 3},
            hovertemplate=f"{name}, month %{{x}}: %{{y:.0f}}% of quota<extra></extra>",
        )
    fig.update_layout(
        title="Attainment by month of tenure: new hires against the cohort",
        xaxis_title="Month of tenure (month 1 = the month of the hire date)",
        yaxis_title="Attainment (% of quota)",
        height=440,
        legend_title_text="",
        showlegend=True,
        margin=dict(l=10, r=10, t=60, b=40),
    )
    fig.update_xaxes(dtick=1, rangemode="tozero")
    highest = max([100.0, *(shown["top_quartile"] * 100).tolist(), *(hires["attainment"] * 100).dropna().tolist()])
    top = min(highest * 1.1, CAP)
    fig.update_yaxes(range=[0, top], ticksuffix="%")
    if highest * 1.1 > CAP:
        fig.update_layout(title=f"{fig.layout.title.text} (axis cut at {CAP:.0f}%: hover for the rest)")
    return fig
