"""The Pipeline page's sections: stage funnel, coverage by rep, hygiene, right prospects — each down to deals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from breakthrough import formatting
from breakthrough.access import Scope
from breakthrough.access import people as access_people
from breakthrough.diagnosis import hygiene, pipeline
from breakthrough.metrics.view import ALL_TEAMS, View
from breakthrough.store import records
from components import cache, sharing
from components.sections.diagnosis_panel import records_table
from components.signin import current_scope
from components.widgets import diagnosis_charts as charts
from components.widgets.tables import fit_height, table


@st.cache_data(show_spinner="Reading the pipeline…", max_entries=16)
def _cohort(as_of: dt.date, data_version) -> tuple[list[str], pd.DataFrame]:
    """Stage order and everyone's deals created in the look-back window up to `as_of`: for the funnel of the
    reps in view and the peers' pooled conversions (`stage_view`), never listed."""
    order = records.stage_order(cache.engine())
    return order, records.stage_cohort(cache.engine(), _lookback_start(as_of, data_version), as_of, order)


def _lookback_start(as_of: dt.date, data_version) -> dt.date:
    """The first day of the look-back window the stage funnel counts deals created in."""
    return as_of - dt.timedelta(days=cache.settings(data_version).lookback_days)


@st.cache_data(show_spinner="Checking pipeline hygiene…", max_entries=16)
def flags(as_of: dt.date, data_version, scope: Scope) -> pd.DataFrame:
    """Every open deal of the reps inside `scope` with the hygiene rules it breaks (a stage's stall limit is
    the team's, among everyone's open deals): its figures and flags only (`hygiene.read_rules`), no texts nor dates."""
    eng = cache.engine()
    found = hygiene.read_rules(eng, as_of)
    return access_people.keep_rows(found, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def deal_texts(as_of: dt.date, rep_id: int, data_version, scope: Scope) -> pd.DataFrame:
    """CRM id, stage and close date of the rep's open deals, when the rep is inside `scope` (what a hygiene listing
    shows beside the flags)."""
    return records.open_deal_texts(cache.engine(), as_of, scope.keep([rep_id]))


@st.cache_data(show_spinner=False, max_entries=16)
def has_targets(data_version) -> bool:
    return records.has_targets(cache.engine())


@st.cache_data(show_spinner=False, max_entries=64)
def details(ids: tuple[int, ...], data_version, scope: Scope) -> pd.DataFrame:
    """Name, amount and currency of these deals of reps inside `scope` (what a hygiene listing adds to the flags)."""
    return access_people.deal_details(cache.engine(), scope, ids)


@st.cache_data(show_spinner=False, max_entries=64)
def deals_by_id(rep_ids: tuple[int, ...], ids: tuple[str, ...], data_version, scope: Scope) -> pd.DataFrame:
    return access_people.deal_records(cache.engine(), scope, rep_ids, ids=ids)


@st.cache_data(show_spinner=False, max_entries=32)
def stage_view(as_of: dt.date, ids: tuple[int, ...], peer_ids: tuple[int, ...], data_version, scope: Scope):
    """The funnel of the reps of `ids` inside `scope` and their conversions beside the peers' (pooled: no rows)."""
    cfg = cache.settings(data_version)
    order, deals = _cohort(as_of, data_version)
    ids = tuple(scope.keep(ids))
    mine = deals[deals["rep_id"].isin(ids)]
    return pipeline.funnel(mine, order, cfg), pipeline.comparison(deals, order, ids, peer_ids)


@st.cache_data(show_spinner=False, max_entries=32)
def stage_deals(as_of: dt.date, ids: tuple[int, ...], stage: str, data_version, scope: Scope) -> tuple[str, ...]:
    """CRM ids of the deals of the reps of `ids` inside `scope` that reached `stage` (what a click lists)."""
    order = _cohort(as_of, data_version)[0]
    names = pipeline.stages(order)
    if stage not in names:
        return ()
    start = _lookback_start(as_of, data_version)
    return tuple(records.deals_reaching(cache.engine(), start, as_of, order, scope.keep(ids), names.index(stage)))


def scope(view: View) -> tuple[tuple[int, ...], str]:
    """The reps a figure covers (the selected rep, or everyone in view) and their name for titles."""
    if view.rep_id is not None:
        return (view.rep_id,), view.rep
    return view.rep_ids, view.team or ("all teams" if view.everyone == ALL_TEAMS else view.everyone)


def peers(view: View) -> list[int]:
    """Who the selected rep (or the view) is compared with: the rep's team, or the view."""
    if view.rep_id is None:
        return list(view.rep_ids)
    return cache.peer_group(view.period.key, view.as_of, view.rep_id, cache.version(), current_scope()) or list(
        view.rep_ids
    )


def stage_section(view: View) -> None:
    """Stage funnel (click a stage for its deals) and stage-to-stage conversion beside team and top quartile."""
    version, cfg = cache.version(), cache.settings(cache.version())
    ids, who = scope(view)
    viewer = current_scope()
    stages, compared = stage_view(view.as_of, tuple(ids), tuple(peers(view)), version, viewer)
    st.subheader("Stage funnel")
    if stages["Deals"].iloc[0] == 0:
        st.info(f"No deals created in the last {cfg.lookback_days} days for {who}.")
        return
    event = sharing.chart(charts.stage_funnel(stages, cfg.reporting_currency, who), key="stage_funnel",
                          on_select="rerun", selection_mode="points")  # fmt: skip
    # one above the other: side by side, their columns do not fit a laptop's half page
    shown = stages.assign(**{c: stages[c].map(formatting.percent) for c in ("Conversion to next", "Drop-off")})
    table(shown, cfg.reporting_currency, money=("Value",), key="stage_table")  # Won has no next stage: "–"
    table(compared.rename(columns={"Selected": who}), percent=(who, "Team", "Top quartile"), key="stage_compare")
    st.caption(
        "Conversion from each stage to the next: the selection, its team pooled, and the team's top "
        "quartile (75th percentile of the reps' own conversions)."
    )
    stage = _picked(event)
    if stage:
        records_table(
            deals_by_id(ids, stage_deals(view.as_of, tuple(ids), stage, version, viewer), version, viewer),
            f"Deals that reached {stage}",
            f"{who} {stage} deals",
            key="stage_deals",
        )
    else:
        st.caption("Click a stage in the funnel to list its deals.")


def _picked(event) -> str | None:
    """The stage of the clicked bar (carried in its customdata), if any."""
    for point in event.selection.points if event else []:
        data = point.get("customdata") or [point.get("y")]
        if data[0] is not None:
            return str(data[0])
    return None


def coverage_section(view: View) -> None:
    """Coverage by rep against the coverage each gap needs."""
    version, cfg = cache.version(), cache.settings(cache.version())
    card = cache.card(view.period.key, view.as_of, version, current_scope())
    ids, _ = scope(view)
    rows = pipeline.coverage_rows(card, ids)
    st.subheader("Coverage by rep against what the gap needs")
    if len(rows) > 1:
        sharing.chart(charts.coverage(rows), key="coverage_chart")
    cur = cfg.reporting_currency
    table(
        rows.drop(columns=["rep_id"]),
        cur,
        money=("Open pipeline", "Gap", "Pipeline needed"),
        numbers={"Coverage": 1, "Coverage needed": 1},
        key="coverage_table",
        tall=True,
    )
    st.caption(
        "Coverage = open pipeline closing this period ÷ gap to quota; needed = the coverage ratio (1 ÷ win "
        "rate, or the fixed policy in Settings)."
    )


HYGIENE_COLUMNS = {"crm_id": "CRM id", "deal": "Deal", "stage": "Stage", "amount": "Amount", "currency": "Currency",
                   "close_date": "Close date", "days_quiet": "Days since activity", "days_in_stage": "Days in stage",
                   "stall_limit": "Team's 75th percentile (days)", "pushes": "Close date pushes"}  # fmt: skip


def hygiene_section(view: View) -> None:
    """Per rep, the open deals breaking each hygiene rule; select a rep (or pick one in the sidebar) for the deals."""
    version = cache.version()
    all_flags = flags(view.as_of, version, current_scope())
    ids, who = scope(view)
    people = cache.people(version, current_scope())
    counts = hygiene.per_rep(all_flags, ids)
    counts.insert(0, "Rep", [people.loc[i, "name"] if i in people.index else str(i) for i in counts.index])
    shown = counts.rename(columns={"open": "Open deals", **hygiene.RULES, "any": "Any problem"})
    st.subheader("Pipeline hygiene")
    st.caption(
        "Open deals that weaken the forecast: past their close date; nothing logged in 30 days; in their "
        "stage longer than 3 in 4 of the team's open deals in that stage; close date pushed twice or more."
    )
    pushed = hygiene.RULES["pushed"]  # its header is the widest: a short one on screen, the rule in its help
    short = {pushed: st.column_config.NumberColumn("Pushed twice or more", help=pushed)}
    event = st.dataframe(sharing.private(shown), hide_index=True, width="stretch", key="hygiene_table", on_select="rerun",
                         selection_mode="single-row", column_config=short, height=fit_height(len(shown)))  # fmt: skip
    picked = event.selection.rows if event else []
    rep_id = int(counts.index[picked[0]]) if picked else (view.rep_id if view.rep_id is not None else None)
    if rep_id is None:
        st.caption("Select a rep's row to list their deals.")
        return
    bad = all_flags[(all_flags["rep_id"] == rep_id) & all_flags["any"]]
    bad = bad.merge(deal_texts(view.as_of, rep_id, version, current_scope()), on="id", how="left")
    bad = bad.merge(details(tuple(bad["id"].tolist()), version, current_scope()), on="id", how="left")
    listed = bad[list(HYGIENE_COLUMNS)].round({"stall_limit": 1}).rename(columns=HYGIENE_COLUMNS)
    listed = listed.astype({HYGIENE_COLUMNS[c]: int for c in ("days_quiet", "days_in_stage", "pushes")})
    for rule, label in hygiene.RULES.items():
        listed[label] = bad[rule].map({True: "yes", False: ""}).to_numpy()
    name = people.loc[rep_id, "name"] if rep_id in people.index else who
    records_table(
        listed,
        f"{name}'s open deals with a hygiene problem",
        f"{name} hygiene",
        key="hygiene_deals",
        numbers={HYGIENE_COLUMNS["stall_limit"]: 1},
    )


def prospects_section(view: View) -> None:
    """Share of each rep's account activities on target accounts, beside the team's."""
    version = cache.version()
    st.subheader("Right prospects")
    if not has_targets(version):
        st.info(
            "No account carries a tier or target flag yet: load an accounts file (or a tier column) to see "
            "how much activity goes to target accounts."
        )
        return
    ids, _ = scope(view)
    rows = cache.right_prospects(view.period.key, view.as_of, view.period.start, tuple(ids), version, current_scope())
    table(rows.drop(columns=["rep_id"]), percent=("Target share", "Team share"), key="prospects_table", tall=True)
    st.caption(
        f"Activities logged against an account from {formatting.day(view.period.start)} to "
        f"{formatting.day(view.as_of)}; target = accounts flagged as targets or in tier A / 1. "
        "Team share = the rep's whole team pooled."
    )
