"""Settings: the rules behind every figure, stored in the database (docs/settings.md).

The form is `components/sections/settings_form`; what makes settings unusable is `breakthrough.settings_check`.
"""

import streamlit as st

from breakthrough import settings as settings_store
from breakthrough import settings_check
from components import cache
from components.page_frame import current_view
from components.sections import people_roles, settings_form
from components.signin import current_scope

current_view()  # the shared filters stay in the sidebar (and in the URL)
st.title("Settings")
st.caption("These rules drive every figure. Saving them recomputes the dashboard at once.")
cfg = cache.settings(cache.version())
scope = current_scope()
may_change = scope.may("settings")
if not may_change:
    st.info("Leaders and sales ops change the settings; you see them as they are.", icon=":material/lock:")
if st.session_state.pop("_settings_saved", False):
    st.success("Settings saved. Every page now uses them.", icon=":material/check_circle:")

edited = settings_form.form(cfg, may_change)
if edited is not None:
    new, edited_questions = edited
    problems = settings_check.problems(new, edited_questions)
    for text in problems:
        st.error(text)
    if not problems:
        settings_store.save(cache.engine(), new, scope=scope)
        st.session_state["_settings_saved"] = True
        st.rerun()

people_roles.section()  # leaders and sales ops: who signs in as what
