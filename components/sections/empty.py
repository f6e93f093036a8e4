"""Empty states: what the data in view lacks and what to do, said plainly (`breakthrough.metrics.missing`)."""

from __future__ import annotations

import streamlit as st

from breakthrough.access import Scope
from breakthrough.metrics import missing
from breakthrough.metrics.view import View
from breakthrough.sharing import anonymise
from components import cache, sharing
from components.signin import current_scope
from components.widgets.text import plain


@st.cache_data(show_spinner=False, max_entries=32)
def facts(period_key: str, as_of, rep_ids: tuple[int, ...], data_version, scope: Scope) -> missing.Facts:
    """What the reps of `rep_ids` inside `scope` lack."""
    card = cache.card(period_key, as_of, data_version, scope)
    names = cache.people(data_version, scope)["name"]
    reps = {i: str(names.get(i, "–")) for i in scope.keep(rep_ids)}
    quotas = {i: card.reps[i].quota for i in reps if i in card.reps}
    return missing.facts(cache.engine(), card.period, as_of, reps, quotas)


def notices(view: View, topics=("period", "quotas", "deals", "open deals", "activities"), rep_ids=None) -> list[str]:
    """Show what the reps in view (or `rep_ids`) lack among `topics`, one `st.info` each; return the topics shown."""
    ids = tuple(int(i) for i in (view.rep_ids if rep_ids is None else rep_ids))
    found = missing.notices(facts(view.period.key, view.as_of, ids, cache.version(), current_scope()), topics)
    show(found)
    return [n.topic for n in found]


def coaching(data, cfg) -> None:
    """What the coaching figures of `data` (`breakthrough.coaching.managers.Coaching`) lack: sessions, commitments."""
    show(missing.coaching_notices(len(data.sessions), len(data.commitments), cfg.lookback_days, len(data.reps)))


def no_data() -> bool:
    """On a database with nobody in it, say what to do first (with a link to the Data page); True if said."""
    if not cache.people(cache.version(), current_scope()).empty:
        return False
    st.info(missing.NO_DATA, icon=":material/upload_file:")
    st.page_link("pages/data.py", label="Open the Data page")
    return True


def no_reps(message: str) -> None:
    """A page with no rep in view: `message` (what to change), unless the database is empty (the frame said so)."""
    if not cache.people(cache.version(), current_scope()).empty:
        st.info(message)


def show(found: list[missing.Notice]) -> None:
    """Each notice as an `st.info`, other reps' names hidden in privacy mode, never read as markdown."""
    share = sharing.current()
    for notice in found:
        text = anonymise.text(notice.text, share.names) if share and share.names else notice.text
        st.info(plain(text, limit=2000), icon=":material/inbox:")
