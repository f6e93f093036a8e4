"""Coaching: log sessions; every manager's cadence, hours, quality, follow-through and measured impact."""

import streamlit as st

from components import cache, sharing
from components.page_frame import current_view
from components.sections import coaching_panel, empty
from components.sections.money_notice import rates_notice
from components.signin import current_scope

view = current_view()
version = cache.version()
cfg = cache.settings(version)

st.title("Coaching")
st.caption(f"{view.describe()} · coaching figures over the last 4 weeks; on track to quota over {view.period.label}")

coaching_panel.log_section(view)
data = sharing.visible(coaching_panel.figures(view.period.key, view.as_of, view.team, version, current_scope()))
if not data.managers:
    empty.no_reps("No manager has active reps in this view. Choose another team in the sidebar.")
    st.stop()

rates_notice()
empty.notices(view, ("period", "quotas"))
empty.coaching(data, cfg)
coaching_panel.manager_scorecard(data, cfg)
manager = coaching_panel.pick_manager(data, view)
coaching_panel.manager_detail(data, manager, view)
