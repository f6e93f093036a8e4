"""The one-on-one prep page's sections (docs/coaching.md#one-on-one-prep): the pickers, the downloads and a
block per rep, laid out from `breakthrough.coaching.prep` (nothing is worked out here).

Names, commitments and questions are data: they reach the page as table cells or through `plain`, never as
markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from breakthrough.access import Scope
from breakthrough.coaching import prep
from breakthrough.formatting import day, money
from breakthrough.metrics import drivers, periods
from breakthrough.metrics.view import reps_now
from breakthrough.sharing import prep_export
from components import cache, sharing
from components.sections import session_form
from components.widgets.badges import badge
from components.widgets.text import plain

WEEKS_OFFERED = 13  # the last quarter of weeks


@st.cache_resource(show_spinner="Preparing the one-on-ones…", max_entries=8)
def _sources(week: str, latest: dt.date, data_version) -> prep.Sources:
    """Everything every sheet of the week reads (every rep: the benchmarks and stall limits need everyone);
    `sheet` keeps it to the viewer's scope. Shared, never changed."""
    return prep.gather(cache.engine(), cache.settings(data_version), week, latest)


def sheet(manager_id: int, week: str, data_version, scope: Scope) -> prep.Prep:
    """One manager's sheet, with only the reps inside `scope`."""
    return prep.compose(_sources(week, latest(data_version), data_version), manager_id, scope)


def latest(data_version) -> dt.date:
    """The day the dashboard's figures are as of by default: the data's last day (today when it reaches today)."""
    return periods.as_of_date(cache.data_span(data_version)[1], dt.date.today())


# --- picking whose sheet and which week ---------------------------------------------------------


def managers_offered(people: pd.DataFrame, as_of: dt.date) -> dict[str, int]:
    """The managers of the reps here on the as-of date (among those the viewer sees), by name."""
    here = reps_now(people, None, None, as_of)
    ids = sorted({int(m) for m in here["manager_id"].dropna()}, key=lambda i: str(people["name"].get(i)))
    return {str(people.loc[i, "name"]): i for i in ids if i in people.index}


def pick(scope: Scope, version, view_as_of: dt.date) -> tuple[int | None, str]:
    """The manager (the signed-in manager by default) and the ISO week (the view's by default), both in the URL."""
    last = latest(version)
    people = cache.people(version, scope)
    offered = managers_offered(people, last)
    weeks = [prep.week_of(last - dt.timedelta(weeks=n)) for n in range(WEEKS_OFFERED)]
    default_week = prep.week_of(view_as_of) if prep.week_of(view_as_of) in weeks else weeks[0]
    _notice("week", weeks, "one of the last 13 weeks (YYYY-Www)")
    _notice("prep_manager", list(offered), "a manager with reps you see")
    if not offered:
        return None, default_week
    names = list(offered)
    own = next((n for n, i in offered.items() if i == scope.person_id), None)
    c1, c2 = st.columns([2, 1])
    name = c1.selectbox(
        "Manager", names, index=names.index(own) if own else 0, key="prep_manager", bind="query-params",
        help="Whose one-on-ones to prepare. Signed in as a manager, your own.",
    )  # fmt: skip
    week = c2.selectbox(
        "Week", weeks, index=weeks.index(default_week), key="week", bind="query-params",
        help="ISO week (Monday to Sunday); figures are as of its last day, or the latest data.",
    )  # fmt: skip
    return offered[name], week


def _notice(key: str, options: list[str], what: str) -> None:
    raw = st.query_params.get(key)
    if raw is not None and raw not in options:
        st.warning(f"The link's `{key}` parameter “{plain(raw)}” is not {what}; showing the default instead.",
                   icon=":material/link:")  # fmt: skip


# --- the sheet --------------------------------------------------------------------------------------


def downloads(p: prep.Prep, base_url: str) -> None:
    stem = prep_export.file_stem(p)
    texts = sharing.commitment_texts_shown()
    c1, c2, _ = st.columns([2, 1, 2])  # the first wide enough for its label at 1280 px
    c1.download_button(
        "Printable sheet (HTML)", lambda: prep_export.html(p, base_url, dt.datetime.now(), texts),
        file_name=f"{stem}.html", mime="text/html", icon=":material/print:", key="prep_html",
    )  # fmt: skip
    c2.download_button(
        "Excel", lambda: prep_export.excel(p, texts), file_name=f"{stem}.xlsx", icon=":material/table:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="prep_excel",
    )  # fmt: skip


def block(n: int, p: prep.Prep, b: prep.Block, base_url: str, may_log: bool) -> None:
    """One rep: status and pace, the focus driver, commitments, cadence, deals, questions, and the log button."""
    with st.container(border=True):
        c1, c2 = st.columns([4, 1])
        c1.subheader(f"{n}. {plain(b.name)}", anchor=False)
        with c2:
            badge(b.status)
        st.markdown(plain(b.status_text, 300))
        st.caption(plain(b.pace_text, 400))
        focus = f"**{plain(b.focus_label)}**"
        if b.focus:
            focus += f", worth **{money(b.focus_value, p.currency)}** this period · {plain(b.change_text(p.currency))}"
        st.markdown(f"Focus driver: {focus}")
        st.markdown("**Questions to ask**")
        for i, q in enumerate(b.questions, start=1):
            st.text(f"{i}. {q}")  # text, never markdown
        st.markdown("**Coaching against the cadence**")
        st.dataframe(_cadence(b), hide_index=True, width="stretch", key=f"prep_k_{b.rep_id}")
        st.markdown("**Commitments to review**")
        if b.commitments:
            st.dataframe(_commitments(b), hide_index=True, width="stretch", key=f"prep_c_{b.rep_id}")
        else:
            st.caption("None due or missed since the last one-on-one.")
        st.markdown("**Deals to inspect**")
        if b.deals:
            st.dataframe(
                _deals(p, b, base_url), hide_index=True, width="stretch", key=f"prep_d_{b.rep_id}",
                column_config={"Open": st.column_config.LinkColumn("Open", display_text="Pipeline")},
            )  # fmt: skip
        else:
            st.caption("No deal past due, stalled in stage or pushed.")
        if may_log and st.button("Log this one-on-one", key=f"prep_log_{b.rep_id}", icon=":material/edit_note:",
                                 help="Opens the coaching form with this rep, the focus driver and the commitments to review."):  # fmt: skip
            review = tuple(c.id for c in b.commitments if c.status in ("open", "overdue"))
            session_form.start_prefilled(p.manager_id, b.rep_id, b.focus, review)
            st.switch_page("pages/coaching.py", query_params={})  # {}: None would try to clear the bound filters


def _commitments(b: prep.Block) -> pd.DataFrame:
    shown = sharing.commitment_texts_shown()
    return pd.DataFrame(
        {
            "Commitment": [c.text if shown else prep_export.HIDDEN for c in b.commitments],
            "Driver": [drivers.label(c.driver) for c in b.commitments],
            "Due": [day(c.due_date) for c in b.commitments],
            "Status": [c.status for c in b.commitments],
        }
    )


def _cadence(b: prep.Block) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Session": [c.label for c in b.cadence],
            "Last": [day(c.last) if c.last else "none" for c in b.cadence],
            "Days since": [c.days_since for c in b.cadence],
            "Expected": [c.in_words().split("; ", 1)[1] for c in b.cadence],
        }
    )


def _deals(p: prep.Prep, b: prep.Block, base_url: str) -> pd.DataFrame:
    link = prep_export.deal_link(base_url, p, b)  # the rep's hygiene deals on the Pipeline page
    return pd.DataFrame(
        {
            "Deal": [d.name or d.crm_id or f"#{d.id}" for d in b.deals],
            "Amount": [money(d.amount, d.currency or "USD") if d.amount is not None else "–" for d in b.deals],
            "Close date": [day(d.close_date) for d in b.deals],
            "Why": [", ".join(d.reasons) for d in b.deals],
            "Open": [link] * len(b.deals),
        }
    )


def base_url(fallback: str) -> str:
    """This app's address (scheme, host and base path) as the browser reached it; `fallback` (Settings) when unknown."""
    url = st.context.url or ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return fallback
    prefix = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
