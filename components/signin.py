"""Who is looking: sign-in with Streamlit's own `st.login` (OpenID Connect) when `.streamlit/secrets.toml`
has an `[auth]` block, open mode without one (docs/access.md).

`viewer()` runs once per run, before the filter bar: open mode says so on every page and sees everything
(`access.OPEN`); with sign-in configured, a visitor not signed in sees only the sign-in page, and a signed-in
e-mail that names no person only the "ask your sales ops to add you" page. The signed-in person's scope is
held for the run in a `ContextVar` (`current_scope()`), as the frame holds the view.
"""

from __future__ import annotations

from contextvars import ContextVar

import streamlit as st

from breakthrough.access import OPEN, Scope
from breakthrough.access import people as access_people
from components import cache
from components.widgets.text import plain

OPEN_NOTICE = (
    "**Sign-in is not configured.** Everyone who reaches this address sees everything — every team's figures "
    "and coaching notes — and may import, undo imports and change settings. Fine on your own machine; to put "
    "it in front of your team, set up sign-in (see *Deploy for your team* in the README)."
)
_SCOPE: ContextVar[Scope] = ContextVar("scope", default=OPEN)


def configured() -> bool:
    """Whether `.streamlit/secrets.toml` holds an `[auth]` block (no secrets file at all: no)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # Streamlit's "no secrets found"
        return False


def current_scope() -> Scope:
    """The scope of who is looking, for this run (open mode until the frame has identified them)."""
    return _SCOPE.get()


def hold(scope: Scope):
    """Hold `scope` for the run; returns the token `release` takes."""
    return _SCOPE.set(scope)


def release(token) -> None:
    _SCOPE.reset(token)


@st.cache_data(show_spinner=False, max_entries=256, ttl=300)
def _scope(email: str, data_version) -> Scope | None:
    """The scope of the person `email` names (None: nobody); worked out again when the data changes."""
    engine = cache.engine()
    person = access_people.identify(engine, email)
    return None if person is None else access_people.scope_of(engine, person)


def identified() -> Scope | None:
    """Who is looking without drawing anything: `OPEN` in open mode, their scope once signed in, None when sign-in
    is configured but nobody (or an unknown e-mail) is signed in."""
    if not configured():
        return OPEN
    if not st.user.is_logged_in or st.user.get("email_verified") is False:  # a provider's unverified e-mail: nobody
        return None
    return _scope(str(st.user.get("email") or ""), cache.version())


def viewer() -> Scope:
    """Draw who is looking (the open-mode notice, or the signed-in person and Sign out) and return their scope;
    the sign-in page or the unknown e-mail page stop the run there."""
    if not configured():
        st.warning(OPEN_NOTICE, icon=":material/lock_open:")
        return OPEN
    if not st.user.is_logged_in:
        sign_in_page()
    scope = identified()
    if scope is None:
        unknown_page(str(st.user.get("email") or ""))
        raise AssertionError("unknown_page stops the run")
    with st.sidebar:
        st.caption(plain(scope.describe(), limit=300))
        st.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:")
    return scope


def sign_in_page() -> None:
    st.title("Breakthrough")
    st.subheader("Sign in to see your team", anchor=False)
    st.write(
        "This dashboard shows each salesperson's figures against what their quota needs. "
        "Sign in with your work account: you see what your role allows."
    )
    st.button("Sign in", key="sign_in", type="primary", on_click=st.login, icon=":material/login:")
    st.stop()


def unknown_page(email: str) -> None:
    st.title("Breakthrough")
    st.subheader("You are signed in, but not yet a person here", anchor=False)
    st.error(
        f"Your e-mail {plain(email) or '(none given)'} is not on the people list of this dashboard, so there is "
        "nothing it may show you. **Ask your sales ops to add you** (or to add this e-mail to your person), "
        "then sign in again.",
        icon=":material/front_hand:",
    )
    st.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:")
    st.stop()


def menu_position() -> str:
    """Where `st.navigation` puts the page menu: hidden on the sign-in and unknown e-mail pages."""
    return "sidebar" if identified() is not None else "hidden"
