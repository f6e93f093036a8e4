"""Overview: the team's quota position and every rep's pace against what quota needs."""

import streamlit as st

from breakthrough.formatting import money
from breakthrough.metrics import scorecard
from components import cache, sharing
from components.page_frame import current_view
from components.sections import diagnosis_panel, empty, figures, peers, talent
from components.sections.money_notice import rates_notice
from components.signin import current_scope
from components.widgets.kpis import attainment_kpi, kpi_row
from components.widgets.tables import overview_table

view = current_view()
version = cache.version()
cfg = cache.settings(version)
card = cache.card(view.period.key, view.as_of, version, current_scope())
cur = cfg.reporting_currency

st.title("Overview")
st.caption(view.describe())
rates_notice()
empty.notices(view)

totals = card.totals([i for i in view.rep_ids if i in card.reps])
kpi_row(
    [
        ("Quota", money(totals["quota"], cur), f"Sum of the reps' quotas for {view.period.label}."),
        ("Won", money(totals["won"], cur), "Closed-won amount with a close date in the period up to the as-of date."),
        ("Gap to quota", money(totals["gap"], cur), "Quota minus won, never below zero."),
        attainment_kpi(totals["attainment"], totals["elapsed_share"]),
    ]
)

talent.hidden_callouts(card, cfg, view.rep_ids)  # a team on track as a whole with reps behind, by name

rows = scorecard.overview_rows(card, view.rep_ids)
if rows.empty:
    empty.no_reps("No active reps in this view. Choose another team or manager in the sidebar.")
    st.stop()

quoted = rows[rows["Quota"] > 0]  # a rep without a quota has no pace to be behind (the notice above says so)
if len(quoted):
    behind = int((quoted["Calls status"] == "behind").sum())
    st.markdown(
        f"**{behind} of {len(quoted)} rep{'s' * (len(quoted) != 1)}{' with a quota' * (len(quoted) < len(rows))}** "
        "are behind the "
        f"call pace their quota needs; **{int((quoted['Coverage status'] == 'behind').sum())}** lack the pipeline "
        "coverage it needs."
    )
st.subheader("Every rep against the pace quota needs")
st.caption(
    "Needed = weekly count required for the rest of the period (reverse funnel from the rep's own rates); "
    "actual = average per week over the last 4 weeks. Click a column header to sort."
)
overview_table(rows, cur)
sharing.chart(figures.pace_by_rep(view), key="pace_chart", private=True)
if len(rows) > figures.PACE_REPS:
    st.caption(
        f"The chart shows the {figures.PACE_REPS} reps furthest behind on calls of the {len(rows):,} in view; "
        "the table above lists them all. Choose a team in the sidebar to see its reps."
    )
diagnosis_panel.overview_section(view)
peers.section(view, card, current_scope())  # a manager's or rep's peers, anonymised
