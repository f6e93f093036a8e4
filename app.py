"""Breakthrough — the frame: page config, navigation, the shared filter bar."""

import logging

import streamlit as st

from components import page_frame

st.set_page_config(page_title="Breakthrough", page_icon="📈", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="📊", url_path="overview", default=True),
    st.Page("pages/rep.py", title="Rep", icon="🧑‍💼", url_path="rep"),
    st.Page("pages/coaching.py", title="Coaching", icon="🎯", url_path="coaching"),
    st.Page("pages/pipeline.py", title="Pipeline", icon="🧭", url_path="pipeline"),
    st.Page("pages/data.py", title="Data", icon="🗂️", url_path="data"),
    st.Page("pages/settings.py", title="Settings", icon="⚙️", url_path="settings"),
]

page = st.navigation(PAGES)
page_frame.frame(page)
try:
    page.run()
except Exception:  # a page must never show a traceback
    logging.getLogger("breakthrough").exception("page failed")
    st.error("Something went wrong while drawing this page. Try another filter; if it persists, report it with the link.")
finally:
    page_frame.end_of_run()
