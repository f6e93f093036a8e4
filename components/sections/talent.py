"""The Talent page's sections (docs/pages.md#talent) and the hidden-by-the-total call-out other pages show."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from breakthrough.formatting import percent
from breakthrough.metrics.drivers import label
from breakthrough.metrics.scorecard import Scorecard
from breakthrough.metrics.view import View
from breakthrough.settings import Settings
from breakthrough.sharing import evidence as evidence_pack
from breakthrough.talent import hidden, ramp, shortfall
from components import cache, sharing
from components.signin import current_scope
from components.widgets import ramp_chart
from components.widgets.tables import table

HIRE_MONTHS = {"name": "Rep", "tenure_month": "Month of tenure", "month": "Month", "attainment": "Attainment",
               "won": "Won", "calls": "Calls", "meetings": "Meetings", "opportunities": "New opportunities",
               "pipeline": "Pipeline created"}  # fmt: skip
SHORTFALL_FITS = ("Rep", "Periods behind", "Mean pace", "Coaching sessions", "Commitments missed", "After coaching")
SHORTFALL_DETAIL = {
    "Each period": ("Pace by period", "Focus driver by period"),
    "Coaching": ("Sessions", "Commitments made", "Kept", "Missed"),
    "In words": ("What was done",),
    "Team": ("Team", "Manager"),
}


def hidden_callouts(card: Scorecard, cfg: Settings, rep_ids, whole: str = "Team") -> list[str]:
    """Say, above everything else, who is behind while the total looks fine: the view as a whole and each team in
    it; the same words go into the meeting pack. Returns what was said."""
    ids = [i for i in rep_ids if i in card.reps]
    teams = {card.reps[i].team for i in ids if isinstance(card.reps[i].team, str)}
    found = [hidden.hidden(card, cfg, ids, f"Team {next(iter(teams))}" if len(teams) == 1 else whole)]
    if len(teams) > 1:
        found += [h for h in hidden.by_team(card, cfg) if h.who.removeprefix("Team ") in teams]
    said = []
    share = sharing.current()
    for item in [h for h in found if h is not None]:
        words = sharing.text(item.text())
        st.warning(words, icon=":material/visibility:")
        said.append(words)
        if share is not None:
            share.notes.append(words)
    return said


def ramp_section(view: View, cfg: Settings) -> None:
    st.subheader("Ramp: is each new hire ramping like the good ones did?")
    found = cache.ramp(view.as_of, cache.version(), current_scope())
    wanted = set(view.rep_ids) if view.rep_id is None else {view.rep_id}
    hires = [h for i, h in found.new_hires.items() if i in wanted]
    st.caption(
        f"Month 1 is the month of the hire date; only months that are over count. The cohort is the "
        f"{found.cohort} rep{'s' * (found.cohort != 1)} hired inside the data; a point made by fewer than "
        f"{ramp.MIN_REPS} of them is hidden."
    )
    if not hires:
        st.info("No new hires (hired in the last 12 months) in this view.", icon=":material/person_add:")
        return
    for hire in sorted(hires, key=lambda h: h.name):
        st.markdown(f"- **{sharing.text(hire.name)}** — {hire.text}")
    curve = found.curve_of("attainment")
    rows = found.months[found.months["rep_id"].isin([h.rep_id for h in hires])]
    if not curve["median"].notna().any():
        st.info(
            f"Too few reps were hired inside the data for a cohort curve yet: each point needs {ramp.MIN_REPS} "
            "hires who reached that month of tenure.",
            icon=":material/groups:",
        )
    if len(rows):
        sharing.chart(ramp_chart.ramp(curve, rows), key="ramp_chart")
    cohort = curve.rename(columns={"tenure_month": "Month of tenure", "n": "Reps", "median": "Median",
                                   "top_quartile": "Top quartile"}).drop(columns=["figure"])  # fmt: skip
    table(cohort, percent=("Median", "Top quartile"), key="ramp_cohort", title="The cohort's attainment by month")
    if len(rows):
        st.caption("Each new hire's figures by month of tenure; won, activities and pipeline created per full month.")
        table(hire_months(rows), cfg.reporting_currency, money=("Won", "Pipeline created"), percent=("Attainment",),
              numbers={"Calls": 0, "Meetings": 0, "New opportunities": 1}, key="ramp_hires",
              title="New hires by month of tenure")  # fmt: skip


def hire_months(rows: pd.DataFrame) -> pd.DataFrame:
    """The new hires' ramp rows as the page's table: by rep, then month of tenure."""
    return rows.sort_values(["name", "tenure_month"])[list(HIRE_MONTHS)].rename(columns=HIRE_MONTHS)


def shortfall_rows(rows: list[shortfall.Shortfall]) -> pd.DataFrame:
    """The shortfall table: one row per rep, figures as numbers, each period in words."""
    return pd.DataFrame(
        {
            "rep_id": [r.rep_id for r in rows],
            "Rep": [r.name for r in rows],
            "Team": [r.team for r in rows],
            "Manager": [r.manager for r in rows],
            "Periods behind": [r.count for r in rows],
            "Mean pace": [r.mean_pace for r in rows],
            "Pace by period": [", ".join(f"{p.label} {percent(p.pace)}" for p in r.periods) for r in rows],
            "Focus driver by period": [", ".join(f"{p.label} {label(p.focus)}" for p in r.periods) for r in rows],
            "Coaching sessions": [sum(r.sessions.values()) for r in rows],
            "Commitments missed": [f"{r.missed} of {r.made}" for r in rows],
            "Sessions": [shortfall.sessions_words(r.sessions) for r in rows],
            "Commitments made": [r.made for r in rows],
            "Kept": [r.kept for r in rows],
            "Missed": [r.missed for r in rows],
            "After coaching": [r.coaching_effect() for r in rows],
            "What was done": [r.text() for r in rows],
        }
    )


def shortfall_section(view: View, cfg: Settings) -> None:
    kind = cfg.shortfall_period
    st.subheader("Persistent shortfall: the conversation a manager owes")
    st.caption(
        f"Reps behind pace to quota (below {percent(cfg.at_risk_threshold)}) for two or more {kind}s running, up to "
        f"{view.as_of:%d %b %Y}, with the coaching they had in that time (months or quarters: Settings)."
    )
    wanted = set(view.rep_ids) if view.rep_id is None else {view.rep_id}
    rows = [r for r in cache.shortfall(view.as_of, cache.version(), current_scope()) if r.rep_id in wanted]
    if not rows:
        st.success(f"Nobody in this view has been behind pace for two {kind}s running.", icon=":material/check:")
        return
    frame = shortfall_rows(rows)
    table(frame.drop(columns=["rep_id"]), percent=("Mean pace",), key="shortfall", title="Persistent shortfall",
          fits=SHORTFALL_FITS, detail=SHORTFALL_DETAIL)  # fmt: skip
    if not view.anon:
        st.caption("Open a rep's page, or download their evidence pack: the periods behind and the coaching over them.")
    grid = st.columns(3)
    for k, r in enumerate(rows):
        name = sharing.text(r.name)
        line = grid[k % 3].container(horizontal=True, gap="small", vertical_alignment="center")
        if view.anon:  # a link would carry the real name in its address
            line.markdown(f":material/person: {name}")
            continue
        line.page_link("pages/rep.py", label=name, icon=":material/person:", query_params={"rep": r.name})
        if not view.present:
            line.download_button(
                "Evidence pack",
                icon=":material/download:",
                data=lambda rep_id=r.rep_id: _pack(view, cfg, rep_id),
                file_name=f"breakthrough-evidence-{_stem(r.name)}-{view.as_of.isoformat()}.html",
                mime="text/html",
                on_click="ignore",
                key=f"evidence_{r.rep_id}",
                type="tertiary",
                help=f"{name}'s periods behind and coaching history as one HTML file.",
            )


def _stem(name: str) -> str:
    from breakthrough.sharing.exports import file_stem

    return file_stem(name)


def _pack(view: View, cfg: Settings, rep_id: int) -> bytes:
    found = cache.evidence(view.as_of, rep_id, cache.version(), current_scope())
    if found is None:
        return b""
    return evidence_pack.evidence_pack(
        found, cfg.reporting_currency, sharing.link(), dt.datetime.now(), texts=sharing.commitment_texts_shown()
    ).encode("utf-8")
