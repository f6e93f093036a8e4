"""The Data page's import batches, and undoing one."""

from __future__ import annotations

import streamlit as st

from breakthrough import access
from breakthrough.importing.write import batches, undo
from components import cache
from components.signin import current_scope
from components.widgets import tables
from components.widgets.text import plain


def section() -> None:
    engine = cache.engine()
    frame = batches.batches(engine)
    if frame.empty:
        st.info("No imports yet. Each upload you import becomes a batch here, and can be undone.")
        return
    shown = frame.assign(
        Batch=frame["Batch"].map(lambda i: f"#{i}"),
        When=frame["When"].map(lambda t: f"{t:%d %b %Y %H:%M}"),
        Status=frame["Status"].map(
            {"committed": "imported", "undone": "undone", "interrupted": "interrupted, nothing written"}
        ),
    )
    tables.table(shown, key="batches_table", title="Import batches")
    choices = dict(batches.committed(engine))
    if not choices or not current_scope().may("undo"):
        return
    picked = st.selectbox(
        "Batch to undo",
        list(choices),
        format_func=choices.get,
        key=f"undo_pick_{max(choices)}",
        help="Removes what the batch added and restores what it changed, exactly.",
    )
    if st.button("Undo this batch", key="undo_button"):
        try:
            st.session_state["undo_message"] = undo.undo(engine, picked, scope=current_scope())
        except (undo.UndoError, access.NotAllowed) as err:
            st.error(str(err), icon=":material/block:")
            return
        st.rerun()
    message = st.session_state.pop("undo_message", None)
    if message:
        st.success(plain(message, 300), icon=":material/undo:")
