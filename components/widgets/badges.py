"""Status shown in words with an icon and a colour (never colour alone)."""

from __future__ import annotations

import streamlit as st

from breakthrough.formatting import status as status_text

COLOURS = {"on track": "green", "at risk": "orange", "behind": "red", "quota met": "green"}
ICONS = {
    "on track": ":material/check_circle:",
    "at risk": ":material/warning:",
    "behind": ":material/error:",
    "quota met": ":material/check_circle:",
}


def badge(label: str | None) -> None:
    """A coloured badge with an icon and the status in words, such as "behind"."""
    if not label:
        st.badge("no requirement", color="gray")
        return
    st.badge(status_text(label), icon=ICONS.get(label), color=COLOURS.get(label, "gray"))
