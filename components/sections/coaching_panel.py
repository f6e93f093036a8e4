"""Coaching on the page: the manager scorecard, one manager's figures, a rep's coaching timeline.

Figures come from `breakthrough.coaching.managers` through the cached functions below (keyed on small
values and the data version); this module only lays them out. Notes and commitments are data
text: they are shown in tables, never as markdown; what a view may not show (notes, and commitment texts in
privacy mode: `breakthrough.sharing.visibility`) is taken out of the data before it is laid out.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from breakthrough.access import NotAllowed, Scope
from breakthrough.coaching import cadence, impact, managers, sessions
from breakthrough.formatting import day, number, percent
from breakthrough.metrics import missing
from breakthrough.metrics.view import View, reps_now
from breakthrough.sharing import anonymise
from components import cache, sharing
from components.sections import coaching_tables, empty, session_form
from components.signin import current_scope
from components.widgets.kpis import kpi_row
from components.widgets.tables import table
from components.widgets.text import plain

READING_BOX = {"coaching well": st.success, "too rarely": st.warning, "often but shallow": st.warning, "mixed": st.info}
TIER_COLOURS = {"Share of reps": "#90a4ae", "Share of coaching time": "#1f77b4"}


# --- cached figures ---------------------------------------------------------------------------


@st.cache_data(show_spinner="Working out the coaching figures…", max_entries=32)
def figures(period_key: str, as_of: dt.date, team: str | None, data_version, scope: Scope) -> managers.Coaching:
    """Coaching figures for every manager of the team's reps still here on the as-of date (all teams when None):
    coaching is about now, so a leaver is left out from the day after their last day. Only the reps inside
    `scope` (part of the cache key)."""
    cfg = cache.settings(data_version)
    card = cache.card(period_key, as_of, data_version, scope)
    rep_ids = scope.keep(reps_now(cache.people(data_version, scope), team, None, as_of).index)
    return managers.build(cache.engine(), cfg, card, as_of, rep_ids)


@st.cache_data(show_spinner=False, max_entries=32)
def manager_rows(
    period_key: str, as_of: dt.date, team: str | None, data_version, scope: Scope, manager_id: int
) -> managers.RepCoaching:
    """One manager's sessions and commitments of `figures` with their notes and texts (the page lists them)."""
    data = figures(period_key, as_of, team, data_version, scope)
    return managers.manager_rows(cache.engine(), data, manager_id)


def _listed(m: managers.ManagerFigures, view: View) -> managers.RepCoaching:
    """`manager_rows` of the manager in view, without the texts this view may not show (`sharing.visible`)."""
    return sharing.visible(manager_rows(view.period.key, view.as_of, view.team, cache.version(), current_scope(),
                                        m.manager_id))  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=64)
def rep_figures(rep_id: int, as_of: dt.date, data_version, scope: Scope) -> managers.RepCoaching:
    """One rep's coaching; none for a rep outside `scope`."""
    return managers.for_rep(cache.engine(), cache.settings(data_version), rep_id, as_of, scope)


def _anon(view: View) -> bool:
    return bool(getattr(view, "anon", False))


def _private(text: str) -> str:
    """`text` with other reps' names hidden in privacy mode."""
    share = sharing.current()
    return anonymise.text(text, share.names) if share and share.names else text


def _window_text(as_of: dt.date) -> str:
    return f"last 4 weeks: {day(cadence.window_start(as_of, managers.WINDOW_DAYS))} – {day(as_of)}"


# --- the Coaching page ------------------------------------------------------------------------


def log_section(view: View) -> None:
    """The log-a-session form, defaulting to the manager in view (off in privacy mode)."""
    if _anon(view):
        st.caption("Logging and editing sessions is off in privacy mode.")
        return
    if not current_scope().may("coaching"):
        st.caption("Coaching sessions are logged by the rep's manager or a leader.")
        return
    version = cache.version()
    people = cache.people(version, current_scope())
    data = figures(view.period.key, view.as_of, view.team, version, current_scope())
    by_name = {m.name: i for i, m in data.managers.items()}
    started = session_form.prefill()  # a one-on-one begun on the prep sheet
    if started is not None and started["rep_id"] not in people.index:
        session_form.drop_prefill()
        started = None
    with st.expander("Log a coaching session", expanded=started is not None, icon=":material/add:"):
        if started is None:
            session_form.log_form("log", people, list(data.managers), by_name.get(view.manager), as_of=view.as_of)
            return
        st.caption("Started from the one-on-one prep: the rep, their focus driver and the commitments to review.")
        st.button("Log for another rep instead", key="log_drop_prefill", on_click=session_form.drop_prefill)
        session_form.log_form(
            "log", people, [], started["manager_id"], started["rep_id"], as_of=view.as_of, started=started
        )


def manager_scorecard(data: managers.Coaching, cfg) -> None:
    """All managers side by side, with the reading that sums each one up."""
    st.subheader("Manager scorecard")
    st.caption(
        "Reps on track = attainment ÷ share of the period elapsed ≥ 100 %; a manager with 75 % or more of the "
        "team on track is performing. Cadence, hours, quality and follow-through: last 4 weeks; coverage: "
        "last 14 days; impact: focused sessions of the look-back window."
    )
    rows = coaching_tables.scorecard_rows(data.managers, cfg)
    shares = (
        "Reps on track to quota",
        "Cadence (all)",
        "One-on-ones",
        "Joint calls",
        "Pipeline reviews",
        "Coverage (14 days)",
        "Debrief rate",
        "Focus named",
        "Follow-through",
    )
    table(
        rows,
        cfg.reporting_currency,
        percent=shares,
        numbers={"Hours per rep (4 wks)": 1, "Quality (0–100)": 0},
        key="coaching_scorecard",
        fits=("Manager", "Reading", "Reps", "Cadence status", "Hours status", "Quality (0–100)", "Follow-through"),
        detail=SCORECARD_DETAIL,
    )
    sharing.chart(_frequency_quality_chart(rows), key="coaching_map")


# The manager scorecard's columns beyond those that fit a laptop, on demand.
SCORECARD_DETAIL = {
    "Team and results": ("Team", "Reps on track to quota", "Performing"),
    "Cadence": ("Cadence (all)", "One-on-ones", "Joint calls", "Pipeline reviews"),
    "Time": ("Hours per rep (4 wks)", "Coverage (14 days)", "Debrief rate"),
    "Quality": ("Quality n", "Focus named"),
    "Impact": ("Impact",),
}


def _frequency_quality_chart(rows: pd.DataFrame) -> go.Figure:
    """Each manager placed by cadence (how often) against quality (how well), labelled with the reading."""
    fig = go.Figure()
    fig.add_scatter(
        x=rows["Cadence (all)"] * 100,
        y=rows["Quality (0–100)"],
        mode="markers+text",
        text=rows["Manager"],
        textposition="top center",
        marker=dict(size=16, color="#1f77b4"),
        customdata=rows[["Reading"]].to_numpy(),
        hovertemplate="%{text}<br>cadence %{x:.0f}% · quality %{y:.0f}/100<br>%{customdata[0]}<extra></extra>",
    )
    fig.add_vline(x=100, line_dash="dash", line_color="#444", annotation_text="cadence target")
    fig.add_hline(y=50, line_dash="dot", line_color="#888", annotation_text="quality 50")
    fig.update_layout(
        title="How often against how well, by manager (last 4 weeks)",
        xaxis_title="Cadence attainment (% of target sessions held)",
        yaxis_title="Session quality (0–100)",
        height=420,
        margin=dict(l=10, r=10, t=60, b=40),
    )
    fig.update_yaxes(range=[0, 105])
    fig.update_xaxes(range=[0, max(130, float(rows["Cadence (all)"].max() or 0) * 100 + 15)])
    return fig


def pick_manager(data: managers.Coaching, view: View) -> managers.ManagerFigures:
    """The manager in view, or one chosen here."""
    by_name = {m.name: m for m in data.managers.values()}
    if view.manager in by_name:
        return by_name[view.manager]
    name = st.selectbox(
        "Manager to look at",
        list(by_name),
        key="coaching_manager",
        help="Choose a manager in the sidebar instead to keep the choice in a shared link.",
    )
    return by_name[name]


def manager_detail(data: managers.Coaching, m: managers.ManagerFigures, view: View) -> None:
    """One manager: headline figures, the reading, cadence, reps, time by tier, quality, impact, commitments."""
    version = cache.version()
    cfg = cache.settings(version)
    cur = cfg.reporting_currency
    card = cache.card(view.period.key, view.as_of, version, current_scope())
    st.header(m.name, anchor=False)
    st.caption(f"{m.teams} · {len(m.rep_ids)} reps · {_window_text(data.as_of)}")
    _headline(m, cfg)
    reading = managers.reading(m)
    READING_BOX[reading.kind](f"**{plain(m.name)}** — {reading.text}")
    _one_on_one_flags(data, m)
    _cadence(m, cfg)
    st.subheader("Reps")
    table(
        coaching_tables.rep_rows(data, m, card),
        cur,
        percent=("Attainment",),
        numbers={"Hours (4 wks)": 1},
        key="coaching_reps",
        fits=("Rep", "Tier", "Attainment", "Sessions (4 wks)", "Last one-on-one", "Open commitments"),
        detail={"Hours and last session": ("Hours (4 wks)", "Last session")},
    )
    _time_by_tier(m)
    _quality(data, m)
    _impact(m, cur)
    _commitments(data, m, view)
    _sessions(data, m, view)


def _headline(m: managers.ManagerFigures, cfg) -> None:
    d, f = m.debriefs, m.follow_through
    kpi_row(
        [
            (
                "Reps on track to quota",
                percent(m.on_track_share),
                f"{m.on_track} of {m.with_quota} reps with a quota are at or above pace (attainment ÷ elapsed share). "
                "75 % or more marks a performing manager.",
            ),
            (
                "Cadence",
                percent(m.frequency["all"].ratio),
                f"One-on-ones, joint calls and pipeline reviews held ÷ expected: {m.frequency['all'].held} of "
                f"{number(m.frequency['all'].expected, 1)} in the last 4 weeks.",
            ),
            (
                "Coaching hours per rep",
                f"{number(m.hours_per_rep, 1)} h",
                f"Session minutes in the last 4 weeks ÷ 60 ÷ reps. Target {number(cfg.coaching_hours_target, 1)} h a month.",
            ),
            (
                "Coverage (14 days)",
                percent(m.coverage),
                "Share of the reps with at least one session in the last 14 days.",
            ),
        ]
    )
    kpi_row(
        [
            (
                "Debrief rate",
                percent(d.rate),
                f"{d.in_time} of {d.due} joint calls debriefed within {cfg.debrief_window_days} working days"
                + (f"; {d.pending} still inside their window." if d.pending else "."),
            ),
            (
                f"Quality (n = {m.quality_n})",
                f"{number(m.quality, 0)}/100" if m.quality is not None else "–",
                "Mean rubric score of the scored sessions in the last 4 weeks, on 0–100; unscored dimensions left out.",
            ),
            ("Focus named", percent(m.focus_share), f"Share of the {m.sessions_n} sessions that named a focus driver."),
            (
                "Follow-through",
                percent(f.rate),
                f"{f.on_time} of {f.due} commitments due in the last 4 weeks were reviewed by their due date.",
            ),
        ]
    )


def _one_on_one_flags(data: managers.Coaching, m: managers.ManagerFigures) -> None:
    if not m.without_one_on_one:
        st.caption("Every rep had a one-on-one in the last 21 days.")
        return
    names = data.reps["name"].to_dict()
    listed = ", ".join(
        f"{plain(_private(names[r]))} (last {day(d) if d else 'none in the look-back'})"
        for r, d in sorted(m.without_one_on_one.items(), key=lambda kv: names[kv[0]])
    )
    st.warning(f"**No one-on-one in 21 days ({len(m.without_one_on_one)}):** {listed}", icon=":material/event:")


def _cadence(m: managers.ManagerFigures, cfg) -> None:
    st.subheader("Cadence against targets")
    table(
        coaching_tables.cadence_rows(m, cfg), percent=("Attainment",), numbers={"Expected": 1}, key="coaching_cadence"
    )
    signals = (
        f"Sessions naming a focus: {percent(m.focus_share)} · with a dated commitment: "
        f"{percent(m.dated_commitment_share)} · follow-through: {percent(m.follow_through.rate)}"
    )
    st.caption(
        f"Expected = target × reps × 4 weeks ÷ 4 weeks (a rep hired during the window counts for part). "
        f"Objective signals from the log — {signals}."
    )


def _time_by_tier(m: managers.ManagerFigures) -> None:
    st.subheader("Where coaching time goes")
    tiers = m.time_by_tier
    if tiers.empty:
        st.info("No sessions in the last 4 weeks.")
        return
    table(
        tiers,
        percent=("Share of reps", "Share of coaching time"),
        numbers={"Hours": 1, "Sessions per rep": 1, "Hours per rep": 1},
        key="coaching_tiers",
    )
    sharing.chart(_tier_chart(tiers), key="coaching_tier_chart")
    st.caption("Tiers rank the manager's reps by attainment this period. Coaching moves the middle 60 % most.")


def _tier_chart(tiers: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for column, colour in TIER_COLOURS.items():
        fig.add_bar(
            x=tiers["Tier"],
            y=tiers[column] * 100,
            name=column,
            marker_color=colour,
            text=[percent(v) for v in tiers[column]],
            textposition="outside",
        )
    fig.update_layout(
        title="Share of coaching time against share of reps, by attainment tier",
        xaxis_title="Reps' attainment tier",
        yaxis_title="% of the manager's total",
        barmode="group",
        height=360,
        margin=dict(l=10, r=10, t=60, b=40),
    )
    return fig


def _quality(data: managers.Coaching, m: managers.ManagerFigures) -> None:
    st.subheader("Quality by rubric dimension")
    mine = data.sessions[data.sessions["manager_id"] == m.manager_id]
    table(
        coaching_tables.rubric_rows(cadence.in_window(mine, data.as_of, managers.WINDOW_DAYS)),
        numbers={"Mean score (1–5)": 1},
        key="coaching_rubric",
    )


def _impact(m: managers.ManagerFigures, currency: str) -> None:
    st.subheader("Impact per focus driver")
    table(coaching_tables.impact_rows(m, currency), key="coaching_impact")
    st.caption(
        "For each session with a focus driver: the rep's change from the 4 weeks before to the 4 weeks after, "
        "minus the rest of the team's change over the same weeks. Mean with a 95 % interval; "
        f"fewer than {impact.MIN_SESSIONS} measured sessions: not enough data yet. Pipeline coverage and "
        "sales cycle are not measured over 4-week windows."
    )


def _commitments(data: managers.Coaching, m: managers.ManagerFigures, view: View) -> None:
    st.subheader("Commitments")
    mine = _listed(m, view).commitments
    rows = coaching_tables.commitment_rows(mine, data.reps["name"].to_dict(), data.as_of)
    counts = rows["Status"].value_counts()
    st.caption(
        " · ".join(f"{label}: {int(counts.get(label, 0))}" for label in managers.STATUS_ICONS.values())
        + " (agreed in the look-back window)"
    )
    show = st.selectbox("Show", ["all", *managers.STATUS_ICONS.values()], key="coaching_commitment_status")
    table(
        _without_private_text(rows if show == "all" else rows[rows["Status"] == show]),
        key="coaching_commitments",
        tall=True,
    )


def _sessions(data: managers.Coaching, m: managers.ManagerFigures, view: View) -> None:
    st.subheader("Sessions in the last 4 weeks")
    listed = _listed(m, view)
    window = cadence.in_window(listed.sessions, data.as_of, managers.WINDOW_DAYS)
    agreed = listed.commitments  # those of their own sessions
    rows = coaching_tables.session_rows(
        window, agreed, cache.people(cache.version(), current_scope())["name"].to_dict()
    )
    shown = _without_private_text(rows.drop(columns=["id", "Manager"]))
    table(shown, numbers={"Quality (0–100)": 0}, key="coaching_sessions", **SESSION_COLUMNS)
    if _anon(view):
        st.caption("Privacy mode: coaching notes and what commitments say are not shown.")
    _edit(rows, view)


# A session list's columns that fit a laptop (the Coaching page's and the Rep page's), the rest on demand; a log,
# it keeps Streamlit's height (ten rows, then it scrolls)
SESSION_COLUMNS: dict = {
    "fits": ("Date", "Rep", "Manager", "Type", "Focus", "Quality (0–100)", "Notes"),
    "detail": {"Minutes and commitments": ("Minutes", "Commitments")},
    "tall": False,
}


def _without_private_text(rows: pd.DataFrame) -> pd.DataFrame:
    """A table of sessions or commitments without the columns of text this view may not show (their values
    are already taken out of the data: `sharing.visible`)."""
    hidden = ([] if sharing.notes_shown() else ["Notes"]) + (
        [] if sharing.commitment_texts_shown() else ["Commitments", "Commitment"]
    )
    return rows.drop(columns=[c for c in hidden if c in rows.columns])


def _edit(rows: pd.DataFrame, view: View) -> None:
    if rows.empty or _anon(view) or not current_scope().may("coaching"):
        return
    with st.expander("Edit or delete a session", icon=":material/edit:"):
        labels = {int(r.id): f"{r.Date} · {r.Rep} · {r.Type}" for r in rows.itertuples()}
        chosen = st.selectbox("Session", list(labels), format_func=labels.get, key="coaching_edit_pick")
        session_form.edit_form("edit", chosen, cache.people(cache.version(), current_scope()))


# --- the Rep page -----------------------------------------------------------------------------


def rep_section(view: View) -> None:
    """The rep's coaching: headline figures, timeline, before/after per focused session, commitments, log form."""
    if view.rep_id is None:
        return
    version = cache.version()
    cfg = cache.settings(version)
    people = cache.people(version, current_scope())
    data = sharing.visible(rep_figures(view.rep_id, view.as_of, version, current_scope()))
    st.subheader("Coaching")
    empty.show(missing.coaching_notices(len(data.sessions), len(data.commitments), cfg.lookback_days, 1))
    _rep_headline(data, view.as_of)
    names = people["name"].to_dict()
    rows = coaching_tables.session_rows(data.sessions, data.commitments, names).drop(columns=["id", "Rep"])
    st.markdown("**Timeline** — sessions in the look-back window, newest first")
    table(
        _without_private_text(rows),
        numbers={"Quality (0–100)": 0},
        key="rep_timeline",
        **SESSION_COLUMNS,
    )
    st.markdown("**Focused sessions: the driver before and after**")
    table(coaching_tables.effect_rows(data.effects, view.as_of, cfg.reporting_currency), key="rep_focus_effects")
    st.markdown("**Commitments**")
    table(
        _without_private_text(
            coaching_tables.commitment_rows(data.commitments, names, view.as_of).drop(columns=["Rep"])
        ),
        key="rep_commitments",
    )
    if _anon(view):
        return
    _acknowledge(view)
    with st.expander(f"Log a coaching session with {plain(names[view.rep_id])}", icon=":material/add:"):
        session_form.log_form("rep_log", people, [], rep_id=view.rep_id, as_of=view.as_of)


def _acknowledge(view: View) -> None:
    """A rep on their own page acknowledges the open commitments agreed with them (`sessions.acknowledge`)."""
    scope = current_scope()
    if scope.role != "rep" or view.rep_id != scope.person_id:
        return
    done = st.session_state.pop("_acknowledged", None)
    if done:
        st.success(plain(done, 300), icon=":material/check_circle:")
    pending = sessions.open_commitments(cache.engine(), view.rep_id, scope)
    waiting = pending[pending["acknowledged_date"].isna()]
    if waiting.empty:
        return
    st.markdown("**Acknowledge your commitments** — tell your manager you have them in hand")
    for row in waiting.itertuples():
        c1, c2 = st.columns([4, 1])
        c1.text(f"{row.text} · due {day(row.due_date) if row.due_date else '–'}")  # text, never markdown
        if c2.button("Acknowledge", key=f"acknowledge_{row.id}"):
            try:
                sessions.acknowledge(cache.engine(), int(row.id), dt.date.today(), scope=scope)
            except (NotAllowed, sessions.SessionError) as err:
                st.error(plain(str(err), 300))
            else:
                st.session_state["_acknowledged"] = "Acknowledged: your manager sees it."
                st.rerun()


def _rep_headline(data: managers.RepCoaching, as_of: dt.date) -> None:
    window = cadence.in_window(data.sessions, as_of, managers.WINDOW_DAYS)
    one_on_ones = data.sessions[data.sessions["type"] == "one_on_one"]["date"]
    last = max(one_on_ones) if len(one_on_ones) else None
    status = [
        managers.status_as_of(s, d, r, as_of)
        for s, d, r in zip(data.commitments["status"], data.commitments["due_date"], data.commitments["reviewed_date"])
    ]
    kpi_row(
        [
            ("Sessions (4 weeks)", str(len(window)), "Coaching sessions of any type in the last 4 weeks."),
            (
                "Coaching hours (4 weeks)",
                f"{number(window['duration_min'].sum() / 60, 1)} h",
                "Sum of session minutes ÷ 60.",
            ),
            ("Last one-on-one", day(last) if last else "none", "The latest one-on-one on or before the as-of date."),
            (
                "Open commitments",
                str(sum(s in ("open", "overdue") for s in status)),
                f"Of which overdue: {sum(s == 'overdue' for s in status)}.",
            ),
        ]
    )
