"""The audit log on the Data page (docs/access.md#the-audit-log): every write, newest first.

Shown to sales ops and leaders (in open mode, with no sign-in, to everyone: `audit.may_read`), filterable by
action (bound to the URL as `audit`), downloadable as CSV / Excel with formulas neutralised. Not shown in
privacy mode: its summaries name reps. Its text comes from data, so it is shown in a table, never as markdown.

Who writes is the signed-in person's `Scope` (`components.signin.current_scope()`; open mode names no one):
every write of the app passes it to the domain as `scope=`, which checks the role and records the entry in
the write's own transaction.
"""

from __future__ import annotations

import streamlit as st

from breakthrough.metrics.view import View
from breakthrough.store import audit
from components import cache, sharing
from components.signin import current_scope

ALL = "All actions"


def role() -> str | None:
    """The signed-in person's role; None in open mode."""
    return current_scope().role


def shown() -> bool:
    """Whether this session sees the audit log (its tab on the Data page)."""
    return audit.may_read(role())


@st.cache_data(show_spinner=False, max_entries=8)
def _log(action: str | None, data_version):
    return audit.entries(cache.engine(), action=action)


def section(view: View) -> None:
    """The audit log, for those who may read it."""
    if not audit.may_read(role()):
        return
    st.caption(
        "Every change to the data, newest first: imports, undos, settings, people, coaching sessions and "
        "commitments, removing the demo — who made it (the signed-in e-mail; *open mode* when sign-in is not "
        "configured), when (UTC) and what. Settings show their values before and after."
    )
    if view.anon:
        st.info("The audit log is not shown in privacy mode: its lines name people.", icon=":material/visibility_off:")
        return
    labels = {ALL: ALL} | {key: label for key, label in audit.ACTIONS.items()}
    raw = st.query_params.get("audit")
    if raw is not None and raw not in labels:
        st.warning(
            f"The link's `audit` parameter is not an action; showing {ALL.lower()} instead.", icon=":material/link:"
        )
    action = st.selectbox(
        "Action", list(labels), format_func=labels.get, key="audit", bind="query-params", help="Show one kind of write."
    )
    log = _log(None if action in (None, ALL) else action, cache.version())
    if log.empty:
        st.info("Nothing recorded yet." if action in (None, ALL) else "No entry of this action yet.")
        return
    shown = audit.for_people(log)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="audit_table",
        column_config={"Summary": st.column_config.TextColumn(width="large")},
    )
    st.caption(f"{len(shown):,} entr{'y' if len(shown) == 1 else 'ies'}.")
    sharing.downloads(shown, "audit log", "audit_log")
