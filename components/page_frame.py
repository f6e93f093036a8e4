"""What frames every page: navigation, the filter bar and the demo-data notice.

`app.py` holds the page config and `st.navigation` over every page, then calls `run(page)`: the frame, then
the chosen page.
Streamlit itself may run a `pages/` script alone: while a process has not yet run `st.navigation`, a
folder named `pages` beside `app.py` puts Streamlit in its old "pages directory" mode, in which a
server's first request for a page (a deep link such as `/rep?rep=…`) and every AppTest run go straight
to the page's script. Each page asks for `current_view()` first; when the frame has not run, that runs
`app.py` there and then — the same navigation (which ends that mode, as `st.navigation` does), the
frame, and the page inside it — and stops the lone run. A page is therefore only ever drawn inside
the frame, through public Streamlit API alone.

The view is held for the page's run in a `ContextVar`, not in `st.session_state`: a page that stops
early (`st.stop`) or reruns makes every later Streamlit call of that run raise, so a view kept in the
session could not be cleared and would stand in for the next run's frame.
"""

from __future__ import annotations

import logging
import runpy
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from breakthrough.metrics.view import View
from components import cache, filters, sharing, signin
from components.sections import empty

APP = Path(__file__).resolve().parent.parent / "app.py"  # page config and navigation over every page
_VIEW: ContextVar[View | None] = ContextVar("view", default=None)  # the view of the page being drawn


def frame(page=None) -> View:
    """Draw the filter bar, the share controls and the demo notice; return the view they chose.

    `page` is the `st.Page` that `st.navigation` chose (its title names the meeting pack).
    """
    cache.engine()
    scope = signin.viewer()  # open mode says so; sign-in configured: the sign-in or unknown e-mail page stop here
    signin.hold(scope)  # the run's scope, for every query (`signin.current_scope()`); `run` lets go of it
    sharing.accept_short_flags()
    view = filters.filter_bar(scope)
    sharing.start(view, page)
    if cache.is_demo(cache.version()):
        st.info(
            "You are looking at **demo data** for a fictional company (Northwind). "
            "Upload your CRM exports to see your own team.",
            icon=":material/science:",
        )
    else:
        empty.no_data()
    return view


def current_view() -> View:
    """The view the frame drew for this page; when the frame did not run, the whole app instead (then stop)."""
    view = _VIEW.get()
    if view is not None:
        return view
    runpy.run_path(str(APP), run_name="__main__")  # Streamlit ran this page alone: run it inside app.py
    st.stop()


def run(page) -> None:
    """Frame the page `st.navigation` chose and run it (a page's failure is said, never a traceback)."""
    held_scope = signin.hold(signin.current_scope())  # reset in `finally`, whatever `frame` holds meanwhile
    try:
        held = _VIEW.set(frame(page))
    except BaseException:
        signin.release(held_scope)  # the sign-in pages stop the run here
        raise
    try:
        page.run()
    except Exception:  # a page must never show a traceback
        logging.getLogger("breakthrough").exception("page failed")
        st.error(
            "Something went wrong while drawing this page. Try another filter; if it persists, report it with the link."
        )
    finally:
        _VIEW.reset(held)  # plain Python, no Streamlit call: done even when the page stopped or reran
        signin.release(held_scope)
