"""Rep: one salesperson's reverse funnel, pace, pipeline and rates."""

import datetime as dt

import streamlit as st

from breakthrough.formatting import day, money, number, ratio, status
from breakthrough.metrics import periods, scorecard, tenure
from components import cache, sharing
from components.page_frame import current_view
from components.sections import coaching_panel, diagnosis_panel, empty, rep_detail
from components.sections.money_notice import rates_notice
from components.signin import current_scope
from components.widgets import charts
from components.widgets.badges import badge
from components.widgets.kpis import attainment_kpi, kpi_row
from components.widgets.tables import rates_table, table

view = current_view()
version = cache.version()
cfg = cache.settings(version)
cur = cfg.reporting_currency

st.title("Rep")
if view.rep_id is None and view.anon:  # a link per rep would carry every name in its address
    st.info("Privacy mode is on: choose a rep in the sidebar *before* switching it on, or switch it off to choose one.")
    st.stop()
if view.rep_id is None:
    st.info("Choose a rep in the sidebar (**Rep**), or pick one here.")
    people = cache.people(version, current_scope())
    for rep_id in view.rep_ids:
        st.page_link(
            "pages/rep.py",
            label=sharing.text(people.loc[rep_id, "name"]),
            query_params={"rep": people.loc[rep_id, "name"]},
        )
    st.stop()

card = cache.card(view.period.key, view.as_of, version, current_scope())
rep = card.reps[view.rep_id]
f = rep.funnel
person = cache.people(version, current_scope()).loc[view.rep_id]
here = tenure.in_words(person["hire_date"], person["end_date"], view.period.start, view.period.end)
st.header(rep.name, anchor=False)
# The rep's own team and manager, then the period: not the filters' "All teams" and the rep's name again.
when = [view.period.label, f"as of {day(view.as_of)}", f"benchmark: {view.benchmark}" if view.benchmark else ""]
st.caption(" · ".join(filter(None, [rep.team or "No team", f"manager {rep.manager or '–'}", here, *when])))
rates_notice()
empty.notices(view, rep_ids=[view.rep_id])

kpi_row(
    [
        ("Quota", money(rep.quota, cur), f"{rep.name}'s quota for {view.period.label}."),
        ("Won", money(rep.won, cur), "Closed-won with a close date in the period, up to the as-of date."),
        ("Gap to quota", money(f.gap, cur), "Quota minus won, never below zero."),
        attainment_kpi(f.attainment, card.elapsed_share),
        ("Weeks left", number(card.weeks_left, 1), "Working days left in the period ÷ 5."),
    ]
)
diagnosis_panel.rep_section(view)
if rep.unconverted:
    st.warning(
        f"Some deals are in a currency without a rate ({', '.join(sorted(rep.unconverted))}): add it in Settings."
    )

leaves = person["end_date"] is not None and person["end_date"] <= view.period.end  # no next period to build for
if f.cycle_warning and not leaves:
    nxt = periods.next_period(view.period, cfg.fiscal_year_start_month)
    st.warning(
        f"Only {(view.period.end - view.as_of).days} days remain in {view.period.label}, shorter than "
        f"{rep.name}'s typical won-deal cycle of {number(rep.median_cycle_days, 0)} days: new opportunities "
        f"created now will mostly close next period. Create **{money(f.next_period_pipeline, cur)}** of pipeline "
        f"now for {nxt.label}.",
        icon=":material/hourglass_empty:",
    )

st.subheader("Reverse funnel: what quota needs each week")
stages = rep_detail.funnel_rows(rep)
sharing.chart(charts.reverse_funnel(stages), key="rep_funnel")
shown = stages.drop(columns=["Needed text", "Actual text"])
table(
    shown,
    percent=("Pace",),
    numbers={c: 1 for c in shown.columns if "eeded" in c or "per week" in c},
    key="rep_stages",
    fits=("Stage", "Needed for rest of period", "Needed per week", "Actual per week", "Pace"),
    detail={"How the need is set": ("Needed per week (from your rates)", "Standard per week")},
)

st.subheader("Pipeline")
cov_label = scorecard.NO_QUOTA if not rep.quota else f.coverage_words
cols = st.columns(4)
cols[0].metric(
    "Open pipeline this period",
    money(rep.open_pipeline, cur),
    border=True,
    help="Open deals with a close date from the as-of date to the period end.",
)
cols[1].metric(
    "Pipeline needed",
    money(f.required_pipeline, cur),
    border=True,
    help=f"Gap × coverage ratio ({ratio(f.coverage_ratio)}).",
)
cols[2].metric("Coverage", ratio(f.coverage), border=True, help="Open pipeline ÷ gap.")
with cols[2]:
    badge(cov_label)
cols[3].metric(
    "Past-due pipeline",
    money(rep.past_due_pipeline, cur),
    border=True,
    help=f"{rep.past_due_count} open deals whose close date has passed: not counted as coverage.",
)
st.markdown(f"Pipeline shortfall: **{money(f.pipeline_shortfall, cur)}** · status: **{status(cov_label)}**")

# One above the other: side by side, the rates table was wider than its half and lost its last column.
st.subheader("Conversion rates")
rates_table(rep_detail.rate_rows(rep), cur)
st.caption(
    "Rates are the rep's own, pulled towards the team's when the sample is small (shrinkage). "
    f"Median won-deal cycle: {number(rep.median_cycle_days, 0)} days."
)
st.subheader("Levers: what 10 % better at each driver is worth")
table(rep_detail.lever_rows(rep), cur, money=("Cuts projected gap by",), key="rep_levers")
st.caption(f"Projected period revenue {money(f.projected, cur)}; projected gap {money(f.projected_gap, cur)}.")

st.subheader("Weekly activity")
start = view.as_of - dt.timedelta(weeks=13)
weeks = rep_detail.weekly(cache.rep_activity(rep.rep_id, start, view.as_of, version, current_scope()), view.as_of)
sharing.chart(
    charts.weekly_activity(weeks, f.stages["calls"].required_pw, f.stages["meetings"].required_pw),
    key="rep_weekly",
)

st.subheader("Deals")
in_period, past_due = rep_detail.deal_lists(
    cache.rep_deals(rep.rep_id, version, current_scope()), view.as_of, view.period.end
)
st.markdown(f"**Open, closing by {day(view.period.end)} ({len(in_period)})**")
table(in_period, cur, numbers={"Amount": 0}, key="rep_open_deals")
st.markdown(f"**Past due ({len(past_due)})** — open deals whose close date has passed: update or close them.")
table(past_due, cur, numbers={"Amount": 0}, key="rep_past_due")

coaching_panel.rep_section(view)
