"""Coaching: log sessions; every manager's cadence, hours, quality, follow-through and measured impact."""

import streamlit as st

from components import coaching as coaching_ui
from components import empty, store
from components.frame import current_view
from components.money_notice import rates_notice

view = current_view()
version = store.version()
cfg = store.settings(version)

st.title("Coaching")
st.caption(f"{view.describe()} · coaching figures over the last 4 weeks; on track to quota over {view.period.label}")

coaching_ui.log_section(view)
data = coaching_ui.figures(view.period.key, view.as_of, view.team, version)
if not data.managers:
    empty.no_reps("No manager has active reps in this view. Choose another team in the sidebar.")
    st.stop()

rates_notice()
empty.notices(view, ("period", "quotas"))
empty.coaching(data, cfg)
coaching_ui.manager_scorecard(data, cfg)
manager = coaching_ui.pick_manager(data, view)
coaching_ui.manager_detail(data, manager, view)
