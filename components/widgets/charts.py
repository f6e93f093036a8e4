"""Plotly charts with titles, labelled axes and status in words (hover and legend)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

STATUS_COLOURS = {"on track": "#2e7d32", "at risk": "#ef8f00", "behind": "#c62828"}
STAGE_COLOURS = {"Calls": "#1f77b4", "Meetings": "#9467bd", "New opps": "#17becf"}


def pace_by_rep(rows: pd.DataFrame, most: int | None = None) -> go.Figure:
    """Horizontal grouped bars: each rep's pace ratio (actual ÷ needed) for calls, meetings, new opps; with `most`,
    only the `most` reps furthest behind on calls (the title says so)."""
    fig = go.Figure()
    order = rows.sort_values("Calls pace", ascending=False, na_position="first")  # plotly draws bottom-up: worst on top
    if most is not None and len(order) > most:
        order = order.tail(most)
    for stage, colour in STAGE_COLOURS.items():
        ratio = (order[f"{stage} pace"] * 100).clip(upper=300)  # "nothing needed" (∞) shows as the cap
        fig.add_bar(
            y=order["Rep"],
            x=ratio,
            name=stage,
            orientation="h",
            marker_color=colour,
            customdata=order[[f"{stage} status", "rep_id"]].to_numpy(),
            hovertemplate="%{y}<br>" + stage + " pace: %{x:.0f}% of needed (%{customdata[0]})<extra></extra>",
        )
    fig.add_vline(x=100, line_dash="dash", line_color="#444", annotation_text="100% = on pace to quota")
    fig.update_layout(
        title=_pace_title(len(order), len(rows)),
        xaxis_title="Actual weekly pace as % of needed (capped at 300%)",
        yaxis_title=None,
        barmode="group",
        height=max(420, 34 * len(order) + 120),
        legend_title_text="Activity",
        margin=dict(l=10, r=10, t=60, b=40),
    )
    return fig


def _pace_title(shown: int, of: int) -> str:
    if shown >= of:
        return "Weekly pace against what quota needs, by rep"
    return f"Weekly pace against what quota needs: the {shown} of {of:,} reps furthest behind on calls"


def reverse_funnel(stages: pd.DataFrame) -> go.Figure:
    """Needed vs actual weekly count at each funnel stage, for one rep."""
    fig = go.Figure()
    fig.add_bar(
        x=stages["Stage"],
        y=stages["Needed per week"],
        name="Needed per week",
        marker_color="#90a4ae",
        text=stages["Needed text"],
        textposition="outside",
    )
    fig.add_bar(
        x=stages["Stage"],
        y=stages["Actual per week"],
        name="Actual per week (last 4 weeks)",
        marker_color=[STATUS_COLOURS.get(s, "#607d8b") for s in stages["Status"]],
        text=stages["Actual text"],
        textposition="outside",
    )
    fig.update_layout(
        title="Reverse funnel: weekly activity needed to hit quota vs actual",
        yaxis_title="Per working week",
        xaxis_title=None,
        barmode="group",
        height=420,
        margin=dict(l=10, r=10, t=60, b=40),
        uniformtext=dict(minsize=10, mode="show"),
    )
    tallest = pd.to_numeric(pd.concat([stages["Needed per week"], stages["Actual per week"]]), errors="coerce")
    top = tallest[np.isfinite(tallest)].max() if len(tallest) else None
    if top is not None and pd.notna(top) and top > 0:
        fig.update_yaxes(range=[0, top * 1.15])  # room above the tallest bar for its label
    fig.update_traces(cliponaxis=False)
    return _roomy(fig)


def weekly_activity(weeks: pd.DataFrame, needed_calls: float | None, needed_meetings: float | None) -> go.Figure:
    """Calls and meetings held per week, with the weekly pace quota needs as dashed lines.

    A needed pace is named in the legend, not written on the chart: a label on a low line sat on the bars.
    """
    fig = go.Figure()
    fig.add_bar(x=weeks["Week"], y=weeks["Calls"], name="Calls", marker_color=STAGE_COLOURS["Calls"])
    fig.add_bar(x=weeks["Week"], y=weeks["Meetings"], name="Meetings held", marker_color=STAGE_COLOURS["Meetings"])
    lines = ((needed_calls, "Calls needed", "Calls"), (needed_meetings, "Meetings needed", "Meetings"))
    span = [weeks["Week"].min(), weeks["Week"].max()] if len(weeks) else []
    for value, name, stage in lines:
        if value is not None and pd.notna(value) and span:
            fig.add_scatter(
                x=span,
                y=[value, value],
                mode="lines",
                name=f"{name}: {value:,.1f}/wk",
                line=dict(dash="dash", color=STAGE_COLOURS[stage], width=2),
                hovertemplate=f"{name} per week: {value:,.1f}<extra></extra>",
            )
    fig.update_layout(
        title="Weekly activity against the pace quota needs",
        xaxis_title="Week starting",
        yaxis_title="Count per week",
        barmode="group",
        height=380,
        margin=dict(l=10, r=10, t=60, b=40),
    )
    return _roomy(fig)


def _roomy(fig: go.Figure) -> go.Figure:
    """Axes that make room for their titles and tick labels (a title was clipped: "Count per w")."""
    return fig.update_xaxes(automargin=True).update_yaxes(automargin=True)
