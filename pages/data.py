"""Data: load CRM exports, check them before anything is written, undo imports, see data health.

The page lays out its tabs; each is a section of `components/sections/` (uploads and their preview, import
batches, data health, templates, the audit log) over `breakthrough.importing`. Text from files is shown in
tables or escaped, never as HTML.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import cache
from components.page_frame import current_view
from components.sections import audit_log, data_notices, health_panel, import_batches, import_templates, upload_form
from components.signin import current_scope


def data_page(as_of: dt.date) -> None:
    """Upload, batches, data health and templates."""
    version = cache.version()
    st.title("Data")
    st.caption(
        "Load CRM exports (Salesforce reports, HubSpot and Pipedrive exports, or the Breakthrough "
        "templates), check them before anything is written, and undo an import."
    )
    data_notices.demo(version)
    data_notices.interrupted()
    names = ["Upload", "Import batches", "Data health", "Templates"] + (["Audit log"] if audit_log.shown() else [])
    upload_tab, batch_tab, health_tab, template_tab, *audit_tab = st.tabs(names)
    scope = current_scope()
    with upload_tab:
        if scope.may("import"):
            upload_form.section(version)
        else:
            st.info("Imports are for sales ops: ask yours to load a CRM export.", icon=":material/lock:")
    with batch_tab:
        import_batches.section()
    with health_tab:
        if scope.sees_everyone:  # its records are every team's
            health_panel.section(as_of, version)
        else:
            st.info("Data health lists every team's records: it is for sales ops and leaders.", icon=":material/lock:")
    with template_tab:
        import_templates.section()
    for tab in audit_tab:
        with tab:
            audit_log.section(current_view())


view = current_view()  # the shared filters stay in the sidebar (and in the URL)
data_page(view.as_of)
