"""What frames every page: the filter bar and the demo-data notice.

`app.py` draws it before running the page. Streamlit can also run a `pages/`
script without `app.py`: because a `pages/` folder exists, a server process's
first request (a deep link such as `/rep?rep=…`) and every AppTest
`switch_page` start in the old "pages directory" mode, which only `st.navigation`
switches off. `current_view()` notices the frame did not run and switches that
mode off. The first time in a session it reruns, so `app.py` runs and the same
page is drawn inside its full frame; after that (AppTest starts every run in that
mode, and a rerun would drop a click) it draws the frame itself.
"""

from __future__ import annotations

import streamlit as st

from breakthrough.metrics.view import View
from components.sections import empty
from components import sharing, filters, cache

VIEW_KEY = "_view"


def frame(page=None) -> View:
    """Draw the filter bar, the share controls and the demo notice; remember the view for this run.

    `page` is the `st.Page` that `st.navigation` chose (its title names the meeting pack).
    """
    cache.engine()
    sharing.accept_short_flags()
    view = filters.filter_bar()
    sharing.start(view, page)
    if cache.is_demo(cache.version()):
        st.info(
            "You are looking at **demo data** for a fictional company (Northwind). "
            "Upload your CRM exports to see your own team.",
            icon="🧪",
        )
    else:
        empty.no_data()
    st.session_state[VIEW_KEY] = view
    return view


def current_view() -> View:
    """The view drawn by the frame in this run (rerunning through `app.py` if it did not run)."""
    view = st.session_state.get(VIEW_KEY)
    if view is not None:
        return view
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False  # what st.navigation sets; the URL keeps the page
    if not st.session_state.get("_frame_rerun"):
        st.session_state["_frame_rerun"] = True
        st.rerun()
    view = frame()
    end_of_run()
    return view


def end_of_run() -> None:
    """Forget the view so the next run draws its own frame."""
    st.session_state.pop(VIEW_KEY, None)
