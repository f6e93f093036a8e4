"""Owners of an upload matching no person: their rows are held, and adding a person is a deliberate click
per owner (an unknown owner is a question, never a new rep)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from breakthrough.importing.write import commit
from components.widgets.text import plain, rows

MAX_OWNER_BUTTONS = 12  # more unknown owners than this: a list to pick from instead of a button each


def added(fid: str) -> dict[str, str]:
    """The unknown owners the user chose to add for this file: label → role."""
    return st.session_state.setdefault(f"add_people:{fid}", {})


def _add_person(fid: str, label: str, role: str) -> None:
    added(fid)[label] = role


def _dont_add(fid: str, label: str) -> None:
    added(fid).pop(label, None)


def _add_chosen(fid: str, owners: dict[str, str]) -> None:
    picked = st.session_state.get(f"add_pick:{fid}", [])
    added(fid).update({label: owners[label] for label in picked if label in owners})
    st.session_state[f"add_pick:{fid}"] = []


def section(fid: str, out: commit.Outcome) -> None:
    """Owners matching no person: their rows are held; adding a person is a deliberate click, per owner."""
    owners, adding = out.owners_to_add(), added(fid)
    if not owners and not adding:
        return
    with st.container(border=True):
        if owners:
            who = "1 owner matches" if len(owners) == 1 else f"{len(owners):,} owners match"
            st.markdown(f"**Unknown owners: {who} no person** — {rows(out.held)} held, not imported.")
            st.caption(
                "Nobody becomes a rep without you. Owners are matched by email, then CRM user id, then "
                "name, ignoring case, accents and invisible characters. Add a person only if they work "
                "here; a system user such as “Integration User” is better fixed in the export."
            )
        if 0 < len(owners) <= MAX_OWNER_BUTTONS:
            for owner in owners:
                left, right = st.columns([3, 2], vertical_alignment="center")
                left.markdown(
                    f"“{plain(owner.shown, 120)}” — {rows(owner.rows)} held, column "
                    f"{plain(owner.column, 60)}; added as a {owner.role}"
                )
                right.button(
                    f"Add {plain(owner.label, 60)} as a person",
                    key=f"add:{fid}:{owner.label}",
                    on_click=_add_person,
                    args=(fid, owner.label, owner.role),
                )
        elif owners:
            frame = pd.DataFrame(
                [(o.shown, o.rows, o.column, o.role) for o in owners],
                columns=["Owner as written", "Rows held", "Column", "Added as"],
            )
            st.dataframe(frame, hide_index=True, width="stretch", height=220, key=f"unknown_table:{fid}")
            roles = {o.label: o.role for o in owners}
            st.multiselect("Add these as people", list(roles), key=f"add_pick:{fid}")
            st.button("Add the chosen as people", key=f"add_chosen:{fid}", on_click=_add_chosen, args=(fid, roles))
        for label, role in adding.items():
            left, right = st.columns([3, 2], vertical_alignment="center")
            left.markdown(f":material/person_add: {plain(label, 120)} will be added as a {role} when you import.")
            right.button(
                f"Don't add {plain(label, 60)}", key=f"dont_add:{fid}:{label}", on_click=_dont_add, args=(fid, label)
            )
