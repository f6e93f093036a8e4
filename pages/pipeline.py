"""Pipeline: stage funnel, coverage by rep, hygiene and right prospects — every figure down to its deals."""

import streamlit as st

from components.page_frame import current_view
from components.sections import empty
from components.sections import pipeline_health as health
from components.sections.money_notice import rates_notice

view = current_view()

st.title("Pipeline")
st.caption(view.describe() + (" · pick a rep in the sidebar to see one rep beside the team" if not view.rep else ""))
if not view.rep_ids:
    empty.no_reps("No active reps in this view. Choose another team or manager in the sidebar.")
    st.stop()

rates_notice()
empty.notices(view, ("period", "deals", "open deals"), rep_ids=[view.rep_id] if view.rep_id else None)
health.stage_section(view)
health.coverage_section(view)
health.hygiene_section(view)
health.prospects_section(view)
