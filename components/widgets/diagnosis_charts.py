"""Charts for the diagnosis: driver heatmap, activity × results quadrant, stage funnel, coverage by rep.

Each clickable mark carries what a click drills into in `customdata` (rep id, driver key, stage).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from breakthrough import formatting
from breakthrough.diagnosis import focus
from breakthrough.diagnosis.focus import QUADRANTS, RepDiagnosis
from breakthrough.metrics import drivers
from breakthrough.metrics.drivers import DRIVERS

# value ÷ benchmark: red well below, amber just below, green at or above (text always says the value)
SCALE = [[0.0, "#c62828"], [0.4, "#ef8f00"], [0.49, "#fff3c4"], [0.5, "#c8e6c9"], [1.0, "#2e7d32"]]  # z ÷ 2
QUADRANT_COLOURS = {"retain": "#2e7d32", "develop": "#1f77b4", "motivate": "#ef8f00", "accountability": "#c62828"}
CAP = 3.0  # paces above 300 % are drawn at the cap


def column_label(key: str) -> str:
    """A driver's label as a heatmap column heading: the table's label on two lines (at the space nearest its middle)."""
    text = drivers.label(key)
    spaces = [n for n, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda n: abs(n - len(text) / 2))
    return f"{text[:cut]}<br>{text[cut + 1 :]}"


def driver_text(key: str, value: float | None, currency: str) -> str:
    """A driver value for people: `42.5/wk`, `12.0%`, `$24,650`, `1.8×`, `45 days`."""
    unit = DRIVERS[key].unit
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "per week":
        return f"{formatting.number(value, 1)}/wk"
    if unit == "rate":
        return formatting.percent(value, 1)
    if unit == "money":
        return formatting.money(value, currency)
    if unit == "ratio":
        return "quota met" if math.isinf(value) else formatting.ratio(value)
    return f"{formatting.number(value, 0)} {'day' if round(value) == 1 else 'days'}"


def standing(key: str, value: float | None, bench: float | None) -> float | None:
    """Value ÷ benchmark, turned round for lower-is-better drivers (1 = at benchmark), capped at 2."""
    if value is None or bench is None or bench <= 0 or value < 0:
        return None
    ratio = value / bench if DRIVERS[key].higher_is_better else (bench / value if value > 0 else 2.0)
    return min(ratio, 2.0)


def heatmap(reps: list[RepDiagnosis], currency: str, benchmark: str, of: int | None = None) -> go.Figure:
    """Reps × drivers: the colour is the value against the benchmark, the text is the value itself. `of`: how
    many reps are in view, when `reps` are only those with the most at stake (the title says so)."""
    keys, labels = list(DRIVERS), [column_label(k) for k in DRIVERS]
    names = [r.name for r in reps]
    z, text, custom, hover = [], [], [], []
    for r in reps:
        figs = [r.figures[k] for k in keys]
        z.append([standing(k, f.value, f.benchmark) for k, f in zip(keys, figs)])
        text.append([("★ " if k == r.focus else "") + driver_text(k, f.value, currency) for k, f in zip(keys, figs)])
        hover.append([_cell_hover(r, f, currency, benchmark) for f in figs])
    fig = go.Figure()
    fig.add_heatmap(z=z, x=labels, y=names, text=text, texttemplate="%{text}", zmin=0, zmax=2, colorscale=SCALE,
                    hoverinfo="skip", xgap=2, ygap=2,
                    colorbar=dict(title="Value ÷ benchmark", tickvals=[0, 0.5, 1, 1.5, 2],
                                  ticktext=["0", "½", "at benchmark", "1.5×", "2× or more"]))  # fmt: skip
    for r in reps:  # one invisible square per cell: what a click selects
        custom += [[r.rep_id, k] for k in keys]
    fig.add_scatter(
        x=labels * len(reps), y=[n for n in names for _ in keys], mode="markers",
        marker=dict(symbol="square", size=26, color="rgba(0,0,0,0)"), customdata=custom,
        hovertext=[h for row in hover for h in row], hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
    )  # fmt: skip
    fig.update_layout(
        title=dict(text=_heatmap_title(len(reps), of, benchmark), y=1, yanchor="top",
                   pad=dict(t=10)),  # the top, whatever the height: clear of the column labels
        yaxis_title="Rep", height=max(360, 30 * len(reps) + 140),
        margin=dict(l=10, r=10, t=100, b=20), clickmode="event+select", hovermode="closest", hoverdistance=-1,
    )  # fmt: skip
    fig.update_xaxes(side="top", tickangle=0)
    rows = len(dict.fromkeys(names))  # one row per name; a range of its own, not padded for the click squares
    fig.update_yaxes(range=[rows - 0.5, -0.5])
    return fig


def _heatmap_title(shown: int, of: int | None, benchmark: str) -> str:
    who = "Each rep's drivers" if of is None or of <= shown else f"The {shown} of {of:,} reps with the most at stake"
    return f"{who} against the team's {benchmark} (★ = focus; click a cell for its records)"


def _cell_hover(r: RepDiagnosis, f: focus.DriverFigure, currency: str, benchmark: str) -> str:
    impact = "no impact of its own" if f.impact is None else formatting.money(f.impact, currency)
    return (
        f"<b>{r.name}</b> · {drivers.label(f.key)}<br>value {driver_text(f.key, f.value, currency)}"
        f"<br>{benchmark} {driver_text(f.key, f.benchmark, currency)}<br>impact {impact}"
    )


def quadrant(reps: list[RepDiagnosis], selected: int | None = None) -> go.Figure:
    """Reps by activity pace (calls) against results pace (attainment ÷ elapsed), one colour per quadrant.

    Only the reps that matter are named on the chart — the selected rep, then those farthest from the
    centre — and only where a name collides with no other name and no quadrant's title (`_named`); every
    rep is named on hover.
    """
    points = {r.rep_id: (_capped(r.activity_pace) * 100, _capped(r.results_pace) * 100) for r in reps}
    x_top = max([110.0, *(x for x, _ in points.values())]) * 1.08
    y_top = max([110.0, *(y for _, y in points.values())]) * 1.08
    named = _named(reps, points, selected, x_top, y_top)
    fig = go.Figure()
    for key, (title, coaching) in QUADRANTS.items():
        group = [r for r in reps if r.quadrant == key]
        if not group:
            continue
        fig.add_scatter(
            x=[points[r.rep_id][0] for r in group], y=[points[r.rep_id][1] for r in group],
            mode="markers+text", text=[r.name if r.rep_id in named else "" for r in group],
            hovertext=[r.name for r in group], textposition=[named.get(r.rep_id, "top center") for r in group],
            name=title,
            textfont=dict(size=10),
            marker=dict(size=[17 if r.rep_id == selected else 13 for r in group], color=QUADRANT_COLOURS[key],
                        line=dict(width=[3 if r.rep_id == selected else 1 for r in group], color="#333")),
            customdata=[[r.rep_id] for r in group],
            hovertemplate="<b>%{hovertext}</b><br>activity pace %{x:.0f}%<br>results pace %{y:.0f}%<br>" + coaching
            + "<extra></extra>",
        )  # fmt: skip
    fig.add_vline(x=100, line_dash="dash", line_color="#555")
    fig.add_hline(y=100, line_dash="dash", line_color="#555")
    for (x, y), key in zip(((1, 1), (1, 0), (0, 1), (0, 0)), ("retain", "develop", "motivate", "accountability")):
        fig.add_annotation(xref="paper", yref="paper", x=x, y=y, xanchor="right" if x else "left",
                           yanchor="top" if y else "bottom", text=QUADRANTS[key][0], showarrow=False,
                           font=dict(color=QUADRANT_COLOURS[key], size=13))  # fmt: skip
    fig.update_layout(
        title="Activity × results: who needs which kind of coaching (click a rep; hover for every name)",
        xaxis_title="Activity: call pace as % of what quota needs (capped at 300%)",
        yaxis_title="Results: attainment as % of the elapsed share", height=520, legend_title_text="Coaching",
        margin=dict(l=10, r=10, t=60, b=40), clickmode="event+select",
    )  # fmt: skip
    fig.update_xaxes(range=[0, x_top], automargin=True)
    fig.update_yaxes(range=[0, y_top], automargin=True)
    return fig


# The plot area a quadrant chart gets at the least (a 1280-pixel laptop, legend beside it), in pixels: names are
# placed for it, so they stay apart on anything wider.
PLOT_WIDTH, PLOT_HEIGHT = 620, 360
MOST_NAMED = 10
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels from the plot's top left


POSITIONS = ("top center", "bottom center", "middle right", "middle left")  # where a name may sit by its dot


def _named(
    reps: list[RepDiagnosis], points: dict[int, tuple[float, float]], selected: int | None, x_top: float, y_top: float
) -> dict[int, str]:
    """The reps whose names fit on the chart, with where each sits by its dot: the selected one, then the
    farthest from the centre (100 %, 100 %), each only where its name stays inside the plot and overlaps no
    name already placed, no quadrant title and (but for the selected rep's) no other rep's dot; at most `MOST_NAMED`."""

    def pixel(x: float, y: float) -> tuple[float, float]:
        return x / x_top * PLOT_WIDTH, (1 - y / y_top) * PLOT_HEIGHT

    taken: list[Box] = []
    for x, y, key in ((1, 0, "retain"), (1, 1, "develop"), (0, 0, "motivate"), (0, 1, "accountability")):
        width = 8.0 * len(QUADRANTS[key][0]) + 6
        left = PLOT_WIDTH - width if x else 0.0
        top = PLOT_HEIGHT - 22 if y else 0.0
        taken.append((left, top, left + width, top + 22))
    dots = [(px - 7, py - 7, px + 7, py + 7) for px, py in (pixel(x, y) for x, y in points.values())]
    centre = pixel(100, 100)

    def priority(rep: RepDiagnosis) -> tuple[bool, float]:
        px, py = pixel(*points[rep.rep_id])
        return rep.rep_id != selected, -math.hypot(px - centre[0], py - centre[1])

    named: dict[int, str] = {}
    for rep in sorted(reps, key=priority):
        for position in POSITIONS:
            box = label_box(rep.name, *pixel(*points[rep.rep_id]), position)
            inside = box[0] >= 0 and box[2] <= PLOT_WIDTH and box[1] >= 0 and box[3] <= PLOT_HEIGHT
            blocked = taken if rep.rep_id == selected else [*taken, *dots]  # the selected rep is named, over dots
            if inside and not any(_overlap(box, other) for other in blocked):
                named[rep.rep_id] = position
                taken.append(box)
                break
        if len(named) == MOST_NAMED:
            break
    return named


def label_box(name: str, px: float, py: float, position: str) -> Box:
    """The box a 10-point name takes beside a dot at (px, py), in pixels."""
    width, height, gap = 6.0 * len(name) + 6, 16.0, 8.0
    if position == "top center":
        return px - width / 2, py - gap - height, px + width / 2, py - gap
    if position == "bottom center":
        return px - width / 2, py + gap, px + width / 2, py + gap + height
    if position == "middle right":
        return px + gap, py - height / 2, px + gap + width, py + height / 2
    return px - gap - width, py - height / 2, px - gap, py + height / 2


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _capped(value: float | None) -> float:
    if value is None or math.isnan(value):
        return 0.0
    return min(value, CAP)


def stage_funnel(stages: pd.DataFrame, currency: str, who: str) -> go.Figure:
    """Deals reaching each stage (bars, first stage on top), with value and conversion in the text."""
    text = [
        f"{n:,} deals · {formatting.money(v, currency, compact=True)}" for n, v in zip(stages["Deals"], stages["Value"])
    ]
    fig = go.Figure()
    fig.add_bar(
        y=stages["Stage"], x=stages["Deals"], orientation="h", text=text, textposition="auto",
        marker_color="#1f77b4", customdata=stages[["Stage"]].to_numpy(),
        hovertemplate="%{y}: %{x:,} deals reached this stage<extra></extra>",
    )  # fmt: skip
    fig.update_layout(
        title=f"Stage funnel: deals created in the look-back window, {who} (click a stage for its deals)",
        xaxis_title="Deals that reached the stage", yaxis_title="Stage", height=360,
        margin=dict(l=10, r=10, t=60, b=40), clickmode="event+select",
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed")
    return fig


def coverage(rows: pd.DataFrame) -> go.Figure:
    """Each rep's pipeline coverage (bars) against the coverage their gap needs (markers)."""
    shown = rows[rows["Coverage status"] != "quota met"]
    needed = pd.to_numeric(shown["Coverage needed"], errors="coerce").replace(float("inf"), float("nan"))
    cap = max(3 * (needed.max() if needed.notna().any() else 0), 5.0)  # one huge ratio must not flatten the rest
    # Reps down the side, one row each: 24 names along the bottom were tilted onto each other.
    fig = go.Figure()
    fig.add_bar(
        y=shown["Rep"],
        x=shown["Coverage"].clip(upper=cap),
        orientation="h",
        name="Coverage (open pipeline ÷ gap)",
        marker_color="#1f77b4",
        text=[formatting.ratio(v) for v in shown["Coverage"]],
        textposition="auto",
    )
    fig.add_scatter(
        y=shown["Rep"],
        x=shown["Coverage needed"],
        mode="markers",
        name="Coverage needed",
        marker=dict(symbol="line-ns-open", size=18, color="#c62828", line=dict(width=3)),
    )
    fig.update_layout(
        title="Pipeline coverage by rep against what the gap needs (reps who met quota left out)",
        yaxis_title=None,
        xaxis_title=f"Coverage (× gap; bars cut at {cap:.0f}×)",
        height=max(320, 26 * len(shown) + 140),
        margin=dict(l=10, r=10, t=60, b=40),
        xaxis_range=[0, cap * 1.05],
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig
