"""Notices at the top of the Data page: the demo data (and removing it), an interrupted import."""

from __future__ import annotations

import streamlit as st

from breakthrough.importing.write import batches
from components import cache
from components.signin import current_scope
from components.widgets.text import plain


def demo(version) -> None:
    if not cache.is_demo(version) or not current_scope().may("undo"):
        return
    with st.container(border=True):
        st.markdown(
            "The database holds the **demo data** of a fictional company. Remove it before loading your "
            "own exports, so your figures are not mixed with Northwind's. Settings are kept."
        )
        sure = st.checkbox("Yes, remove every demo record", key="demo_sure")
        if st.button("Remove the demo data", key="demo_remove", disabled=not sure):
            batches.remove_demo(cache.engine(), scope=current_scope())  # sales ops' (or open mode's)
            st.session_state.pop("demo_sure", None)
            st.rerun()


def interrupted() -> None:
    """The newest import was stopped while it was being written (its browser tab closed, or the page was left):
    nothing of it was written, and this says so until the next import."""
    last = batches.interrupted_last(cache.engine())
    if last is None:
        return
    batch_id, name, when = last
    st.warning(
        f"The import of “{plain(name, 120)}” on {when:%d %b %Y at %H:%M} (batch #{batch_id}) was interrupted: "
        "its browser tab was closed or the page left while it was being written. **Nothing of it was written**; "
        "upload the file again to import it.",
        icon=":material/warning:",
    )
