"""Talent: new hires against the cohort, persistent shortfalls with what was done, reps hidden by the total."""

import streamlit as st

from components import cache
from components.page_frame import current_view
from components.sections import empty, talent
from components.signin import current_scope

view = current_view()
version = cache.version()
cfg = cache.settings(version)
card = cache.card(view.period.key, view.as_of, version, current_scope())

st.title("Talent")
st.caption(f"{view.describe()} · hire well, and do not keep non-performers by default")
empty.notices(view, ("period", "quotas"))
if not view.rep_ids:
    empty.no_reps("No reps in this view. Choose another team or manager in the sidebar.")
    st.stop()

talent.hidden_callouts(card, cfg, view.rep_ids)
talent.shortfall_section(view, cfg)
talent.ramp_section(view, cfg)
