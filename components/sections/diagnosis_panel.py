"""Where execution falls short, on the Overview and Rep pages: focus driver, heatmap, quadrant, records.

Clicks drill down: a heatmap cell or quadrant point sets the bound `rep` (and `driver`) filters in a
callback — before the filter bar is drawn in the next run — and opens the Rep page, so the drilled view
is in the URL. Figures are cached here on small keys plus the data version, like components/cache.py.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from breakthrough.access import Scope
from breakthrough.access import people as access_people
from breakthrough.diagnosis import focus
from breakthrough.diagnosis.focus import QUADRANTS, Diagnosis, RepDiagnosis
from breakthrough.formatting import money
from breakthrough.metrics import drivers
from breakthrough.metrics.drivers import DRIVERS
from breakthrough.metrics.view import View
from breakthrough.store import records
from components import cache, sharing
from components.sections import figures
from components.signin import current_scope
from components.widgets import columns
from components.widgets import diagnosis_charts as charts
from components.widgets.tables import table

DRILL = "_drill_to_rep"  # set by a click callback: open the Rep page on the next run
CLICKS = "_drill_clicks"  # bumps the chart keys so a drilled chart starts unselected next time
PACE_DAYS = 28


diagnosed = cache.diagnosed  # every rep's drivers against the benchmark, cached (bench/pages.py calls it here)


def for_view(view: View) -> Diagnosis:
    return diagnosed(view.period.key, view.as_of, view.benchmark, cache.version(), current_scope())


# --- clicks --------------------------------------------------------------------------------------


def _drill(rep_name: str, driver: str | None) -> None:
    """Point the bound filters at a rep (and driver) and ask for the Rep page (runs in a callback)."""
    st.session_state["rep"] = rep_name
    st.session_state["driver"] = drivers.label(driver) if driver else "All drivers"
    st.session_state[DRILL] = True
    st.session_state[CLICKS] = st.session_state.get(CLICKS, 0) + 1


def _on_chart_click(key: str, names: dict[int, str]) -> None:
    """A heatmap cell (rep id, driver) or quadrant point (rep id) was clicked."""
    points = st.session_state[key].selection.points
    data = next((p.get("customdata") for p in points if p.get("customdata")), None)
    if data and int(data[0]) in names:
        _drill(names[int(data[0])], data[1] if len(data) > 1 else None)


def _on_focus_row(key: str, rows: pd.DataFrame) -> None:
    picked = st.session_state[key].selection.rows
    if picked:
        row = rows.iloc[picked[0]]
        _drill(row["Rep"], row["focus"])


def _on_driver_row(key: str, keys: list[str]) -> None:
    picked = st.session_state[key].selection.rows
    if picked:
        st.session_state["driver"] = drivers.label(keys[picked[0]])


def follow_drill() -> None:
    """Open the Rep page when a click asked for it (call before drawing anything clickable)."""
    if st.session_state.pop(DRILL, False):
        st.switch_page("pages/rep.py", query_params={})  # {}: None would try to clear the bound filters and fail


def _key(name: str) -> str:
    return f"{name}_{st.session_state.get(CLICKS, 0)}"


# --- Overview ----------------------------------------------------------------------------------


def focus_rows(reps: list[RepDiagnosis], currency: str) -> pd.DataFrame:
    """One row per rep: the focus driver, what it is worth, the rep's value and the benchmark."""
    rows = []
    for r in reps:
        f = r.figures.get(r.focus) if r.focus else None
        rows.append({
            "Rep": r.name, "Focus: the one thing to coach": _focus_name(r),
            "Worth": r.focus_impact, "Rep's value": charts.driver_text(f.key, f.value, currency) if f else "–",
            "Benchmark": charts.driver_text(f.key, f.benchmark, currency) if f else "–",
            "Coaching": QUADRANTS[r.quadrant][0] if r.quadrant else "–", "focus": r.focus,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _focus_name(r: RepDiagnosis) -> str:
    if r.focus:
        return drivers.label(r.focus)
    return "nothing can close in time" if r.short else "at benchmark everywhere"


def overview_section(view: View) -> None:
    """The focus per rep with its money value, the driver heatmap and the quadrant (all clickable)."""
    follow_drill()
    cur = cache.settings(cache.version()).reporting_currency
    diag = for_view(view)
    reps = figures.ranked(diag, view.rep_ids)
    if not reps:
        return
    names = {r.rep_id: r.name for r in reps}
    st.subheader("Where execution falls short: the one thing to coach")
    st.caption(
        f"Each rep's drivers against the team's {diag.benchmark} (Benchmark in the sidebar). Worth = how much "
        "more the rep would win this period with that one driver at the benchmark. Click a row, a heatmap cell "
        "or a point to open the rep with the records behind it."
    )
    rows = focus_rows(reps, cur)
    key = _key("focus_table")
    shown, config = columns.grid(
        sharing.private(rows.drop(columns=["focus"])), {"Worth": columns.money(cur)}, {"Worth": f"Worth ({cur})"}
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        on_select=partial(_on_focus_row, key, rows),
        selection_mode="single-row",
        column_config=config,
    )
    key = _key("driver_heatmap")
    clicked = partial(_on_chart_click, key, names)
    sharing.chart(figures.heatmap(view), key=key, on_select=clicked, selection_mode="points", private=True)
    if len(reps) > figures.HEATMAP_REPS:
        st.caption(
            f"The heatmap shows the {figures.HEATMAP_REPS} reps with the most at stake of the {len(reps):,} in view; "
            "the table above lists them all. Choose a team in the sidebar to see its reps."
        )
    key = _key("quadrant")
    clicked = partial(_on_chart_click, key, names)
    sharing.chart(figures.quadrant(view), key=key, on_select=clicked, selection_mode="points", private=True)
    st.caption(" · ".join(f"**{title}**: {text.split(': ', 1)[-1]}" for title, text in QUADRANTS.values()))


# --- Rep ---------------------------------------------------------------------------------------


def driver_rows(rep: RepDiagnosis, currency: str) -> pd.DataFrame:
    """The rep's drivers ranked by impact: value, benchmark, gap and impact."""
    rows = []
    for f in rep.ranked():
        rows.append({
            "Driver": drivers.label(f.key), "Rep's value": charts.driver_text(f.key, f.value, currency),
            "Benchmark": charts.driver_text(f.key, f.benchmark, currency), "Gap": _gap_text(f, currency),
            "Impact": "–" if f.impact is None else money(f.impact, currency),
            "key": f.key,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _gap_text(f: focus.DriverFigure, currency: str) -> str:
    if f.gap is None or f.gap != f.gap:
        return "–"
    if f.gap <= 0:
        return "at or better than benchmark"
    if DRIVERS[f.key].unit == "rate":
        return f"short by {f.gap * 100:.1f} pts"
    if not DRIVERS[f.key].higher_is_better:
        return f"{charts.driver_text(f.key, f.gap, currency)} longer"
    return f"short by {charts.driver_text(f.key, f.gap, currency)}"


def _measured(value: float | None) -> bool:
    return value is not None and value == value  # NaN: no value


def rep_section(view: View) -> None:
    """The rep's focus with its money value, drivers ranked by impact, and the records behind one driver."""
    if view.rep_id is None:
        return
    cur = cache.settings(cache.version()).reporting_currency
    rep = for_view(view).reps.get(view.rep_id)
    if rep is None:
        return
    if rep.focus:
        f = rep.figures[rep.focus]
        st.success(
            f"**Focus — the one thing to coach: {drivers.label(rep.focus)}.** Bringing it from "
            f"{charts.driver_text(f.key, f.value, cur)} to the team's {view.benchmark} "
            f"({charts.driver_text(f.key, f.benchmark, cur)}) is worth **{money(f.impact, cur)}** more this period.",
            icon=":material/target:",
        )
    elif rep.short:
        st.info(
            f"Too little of {view.period.label} is left for any driver to change what closes this period. "
            f"Below the team's {view.benchmark}: {', '.join(drivers.label(k) for k in rep.short)} — "
            "a longer Period in the sidebar (Quarter or Year) shows what to coach now.",
            icon=":material/hourglass_empty:",
        )
    elif not any(_measured(f.gap) and f.benchmark for f in rep.figures.values()):  # thin data: no star
        st.info(
            "Not enough data yet to compare this rep's drivers with the team's: the drivers need deals and "
            "activities. Import them on the Data page.",
            icon=":material/inbox:",
        )
    else:
        st.success(
            f"At or above the team's {view.benchmark} on every driver: retain and stretch.", icon=":material/trophy:"
        )
    with st.expander("All drivers, ranked by impact — click one for its records", expanded=True):
        rows = driver_rows(rep, cur)
        key = f"rep_drivers_{view.driver}"
        st.dataframe(
            rows.drop(columns=["key"]), hide_index=True, width="stretch", key=key, on_select=partial(_on_driver_row, key, list(rows["key"])),
            selection_mode="single-row", column_config={"Impact": st.column_config.Column(f"Impact ({cur})")},
        )  # fmt: skip
        st.caption(
            "Impact = how much more the rep would win this period with that one driver at the benchmark. "
            "Pipeline coverage has no impact of its own: the drivers above build it."
        )
        driver_records(view, view.driver or rep.focus or "activity")


# --- records -----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def _activities(rep_id: int, start: dt.date, end: dt.date, kind: str, data_version, scope: Scope) -> pd.DataFrame:
    return access_people.activity_records(cache.engine(), scope, [rep_id], start, end, kind)


@st.cache_data(show_spinner=False, max_entries=64)
def _deals(rep_id: int, status: str | None, closed, data_version, scope: Scope) -> pd.DataFrame:
    return access_people.deal_records(cache.engine(), scope, [rep_id], status=status, closed=closed)


def record_sets(view: View, driver: str) -> list[tuple[str, pd.DataFrame]]:
    """The records behind one driver's value: (title, records) pairs."""
    version, rep_id, as_of, scope = cache.version(), view.rep_id, view.as_of, current_scope()
    lookback = as_of - dt.timedelta(days=cache.settings(version).lookback_days)
    pace = as_of - dt.timedelta(days=PACE_DAYS - 1)
    calls = lambda start: ("Calls", _activities(rep_id, start, as_of, "call", version, scope))  # noqa: E731
    meetings = ("Meetings held", _activities(rep_id, lookback, as_of, "meeting", version, scope))
    created = ("Opportunities created", _created(rep_id, lookback, as_of, version, scope))
    closed = ("Closed deals (won and lost)", _deals(rep_id, "won+lost", (lookback, as_of), version, scope))
    won = ("Won deals", _deals(rep_id, "won", (lookback, as_of), version, scope))
    sets = {
        "activity": [calls(pace)], "call_to_meeting": [meetings, calls(lookback)], "meeting_to_opp": [created, meetings],
        "win_rate": [closed], "deal_size": [won], "cycle": [won],
        "coverage": [("Open deals closing this period", _deals(rep_id, "open", (as_of, view.period.end), version, scope))],
    }  # fmt: skip
    return sets[driver]


@st.cache_data(show_spinner=False, max_entries=64)
def _created(rep_id: int, start: dt.date, end: dt.date, data_version, scope: Scope) -> pd.DataFrame:
    return access_people.deal_records(cache.engine(), scope, [rep_id], created=(start, end))


WINDOWS = {
    "activity": "the last 4 weeks",
    "coverage": "this period, from the as-of date",
}  # otherwise the look-back window


def driver_records(view: View, driver: str) -> None:
    """Each record set behind the driver, with its count, as a table with a CSV download."""
    window = WINDOWS.get(driver, f"the look-back window ({cache.settings(cache.version()).lookback_days} days)")
    st.markdown(f"**Records behind {drivers.label(driver)}** — {window}. Pick another driver above or in the sidebar.")
    for title, frame in record_sets(view, driver):
        records_table(frame, title, f"{view.rep or 'rep'} {drivers.label(driver)} {title}")


BLANKS = ("Account", "Deal", "Outcome", "Subject", "Close date", "In stage since")


def records_table(
    frame: pd.DataFrame, title: str, file_stem: str, key: str | None = None, numbers: dict[str, int] | None = None
) -> None:
    """A records table (CRM ids first) with its count and a CSV download (formulas neutralised)."""
    more = f" (first {len(frame):,} shown)" if len(frame) >= records.LIMIT else ""
    st.markdown(f"*{title}: {len(frame):,}{more}*")
    shown = frame.fillna({col: "–" for col in BLANKS if col in frame.columns})  # Streamlit would show "None"
    key = key or "records_" + "".join(c if c.isalnum() else "_" for c in file_stem)
    numbers = {**({"Amount": 0} if "Amount" in frame else {}), **(numbers or {})}
    one_rep = "Rep" in shown.columns and shown["Rep"].nunique() <= 1  # the heading names them; the download keeps it
    fits = tuple(col for col in shown.columns if col != "Rep") if one_rep else None
    table(shown, numbers=numbers, key=key, title=file_stem, fits=fits)
