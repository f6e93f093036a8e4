"""One-on-one prep: for a manager and a week, what to work on with each rep, in the order to spend time."""

import streamlit as st

from breakthrough.formatting import day
from components import cache
from components.page_frame import current_view
from components.sections import empty, prep_sheet
from components.signin import current_scope
from components.widgets.text import plain

view = current_view()
version = cache.version()
cfg = cache.settings(version)
scope = current_scope()

st.title("One-on-one prep")
if scope.role == "rep":  # the sheet is the manager's preparation for the conversation
    st.info("The one-on-one prep is your manager's sheet for your one-on-ones; your own figures are on the Rep page.")
    st.stop()
if view.anon:  # every block names its rep and their commitments
    st.info("Privacy mode is on: the prep sheet names every rep and their commitments. Switch it off to prepare.")
    st.stop()
manager_id, week = prep_sheet.pick(scope, version, view.as_of)
if manager_id is None:
    empty.no_reps("No manager has reps you see. Load people with their managers on the Data page.")
    st.stop()
sheet = prep_sheet.sheet(manager_id, week, version, scope)
st.caption(
    f"{week} · figures as of {day(sheet.as_of)} over {sheet.period.label} (not the sidebar's period) · "
    f"{len(sheet.blocks)} reps, in the order to spend time: behind first, then the largest focus driver"
)
if not sheet.blocks:
    empty.no_reps(f"No reps report to {plain(sheet.manager)} on {day(sheet.as_of)}.")
    st.stop()
base = prep_sheet.base_url(cfg.app_base_url)
prep_sheet.downloads(sheet, base)
may_log = scope.may("coaching")
for n, b in enumerate(sheet.blocks, start=1):
    prep_sheet.block(n, sheet, b, base, may_log)
