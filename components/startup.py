"""The server's start: what `streamlit run app.py` does before the first browser connects.

`app.py` hands Streamlit an `st.App` whose `lifespan` (here) runs once per server process, as the server starts
listening. It starts a helper thread that loads the app's modules and opens the database (`demo.app_engine`:
migrated, and on a first start filled with the S demo) while the browser is still loading Streamlit's own page.
The first page's `cache.engine` asks `demo.app_engine` for the same engine and waits while the warm-up is still
opening it, so the demo is written once whoever asks first, and a warm-up that failed only leaves the work, and
the message, to the first page. The warm-up calls no Streamlit function: it runs outside any page.
"""

from __future__ import annotations

import logging
import threading
import webbrowser
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

THREAD = "breakthrough-start"
BROWSER = "breakthrough-browser"  # the thread that opens the app in the desktop's browser


@asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """Start the warm-up and serve at once (the server never waits for it); on a desktop, open the app in the
    browser, as `streamlit run` does for a plain script (an `st.App` is served without that)."""
    threading.Thread(target=warm_up, name=THREAD, daemon=True).start()
    if not st.get_option("server.headless"):
        threading.Thread(target=webbrowser.open, args=(local_url(),), name=BROWSER, daemon=True).start()
    yield


def local_url() -> str:
    """The app's address on this machine."""
    path = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://localhost:{st.get_option('server.port')}/{path}"


def warm_up() -> None:
    """Load the frame's modules, open the database (the server's one engine), load the Overview's modules."""
    try:
        from breakthrough import demo
        from breakthrough.store import db
        from components import page_frame  # noqa: F401 — every page's frame

        demo.app_engine(db.database_url())  # the engine the first page's `cache.engine` will get
        from components.sections import diagnosis_panel, figures, peers, talent  # noqa: F401 — the Overview's
        from components.widgets import kpis, tables  # noqa: F401
    except Exception:  # the first page opens the database itself and says what is wrong
        logging.getLogger("breakthrough").exception("warming up at the server's start failed")
