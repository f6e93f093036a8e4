"""People and roles (Settings page): who signs in as what. Leaders and sales ops assign roles; sales ops add
the other e-mails a person signs in with. The writes are `breakthrough.access.people`'s, which refuse anyone
else."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from breakthrough.access import NotAllowed
from breakthrough.access import people as access_people
from breakthrough.access.roles import LABELS, ROLES, role_of
from components import cache, sharing
from components.signin import current_scope
from components.widgets.tables import table
from components.widgets.text import plain


def section() -> None:
    scope = current_scope()
    if not scope.may("roles"):
        return
    st.header("People and roles", anchor=False)
    if sharing.current() is not None and sharing.current().view.anon:
        st.info("People and roles are not shown in privacy mode: the list names every person.", icon=":material/lock:")
        return
    st.caption(
        "Each person signs in with their e-mail and sees what their role allows (docs/access.md): leaders every "
        "team, managers their own team and the teams below it, reps their own figures, sales ops every "
        "team's figures but no coaching notes."
    )
    version = cache.version()
    people = cache.people(version, scope)
    extra = access_people.emails(cache.engine())
    others = extra.groupby("person_id")["email"].agg(", ".join) if len(extra) else pd.Series(dtype=str)
    shown = pd.DataFrame(
        {
            "Name": people["name"],
            "E-mail": people["email"],
            "Also signs in as": [others.get(i, "") for i in people.index],
            "Role": [LABELS[role_of(r)] for r in people["role"]],
            "Team": people["team"],
        }
    )
    table(shown.reset_index(drop=True), key="people_roles", title="People and roles")
    names = {int(i): str(n) for i, n in people["name"].items()}
    ids = sorted(names, key=names.__getitem__)
    c1, c2, c3 = st.columns([2, 1, 1])
    person = c1.selectbox("Person", ids, format_func=names.get, key="role_person")
    role = c2.selectbox("Role", ROLES, format_func=LABELS.get, key="role_pick")
    if c3.button("Assign role", key="role_assign") and person is not None:
        _write(lambda: access_people.set_role(cache.engine(), int(person), role, scope=scope),
               f"{names[int(person)]} is now {LABELS[role].lower()}.")  # fmt: skip
    if scope.may("people"):
        c1, c2 = st.columns([3, 1])
        email = c1.text_input("Another e-mail this person signs in with", key="role_email")
        if c2.button("Add e-mail", key="role_email_add") and person is not None and email:
            _write(lambda: access_people.add_email(cache.engine(), int(person), email, scope=scope),
                   f"{names[int(person)]} can now sign in as {email.strip().lower()}.")  # fmt: skip
    done = st.session_state.pop("_role_saved", None)
    if done:
        st.success(plain(done, 300), icon=":material/check_circle:")


def _write(action, message: str) -> None:
    try:
        action()
    except (NotAllowed, ValueError) as err:
        st.error(plain(str(err), 300))
        return
    st.session_state["_role_saved"] = message
    st.rerun()
