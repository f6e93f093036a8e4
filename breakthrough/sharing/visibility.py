"""Which free text about people may leave the app (docs/sharing.md#privacy-mode, docs/access.md).

Coaching notes, the focus a manager typed and commitment texts are words about one person. They are
taken out of the coaching data *before* a page lays it out, so what is not allowed never reaches a
widget, a chart, a download or the meeting pack — hiding a column on screen would still send it to the
browser.

The rules:
- **notes** (a session's notes and its typed focus) — never in privacy mode, never in the meeting pack,
  and otherwise only for the sessions `sees_notes` allows. `sees_notes` is `True` (open mode: everyone
  sees every note), `False`, or a function of one session (a mapping with at least `manager_id` and
  `rep_id`: the session's row) — the signed-in person's `Scope.sees_notes`;
- **commitment texts** — never in privacy mode (the status, dates and counts stay);
- everything else of a session (date, type, minutes, focus driver, scores) is a figure and stays.

A text taken out becomes None; the tables then leave its column out (`coaching_tables`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

if TYPE_CHECKING:
    from breakthrough.coaching.managers import Coaching, RepCoaching

SeesNotes = bool | Callable[[Mapping[str, Any]], bool]
NOTE_COLUMNS = ("notes", "focus_text")  # a session's free text
COMMITMENT_TEXT = "text"
NOTES_LABEL = "Notes"  # the column of a table for people that holds notes: never in the meeting pack
OPEN_MODE: SeesNotes = True  # no sign-in: everyone who reaches the app sees every note (outside privacy mode)


def notes_allowed(*, anon: bool, pack: bool = False, sees_notes: SeesNotes = OPEN_MODE) -> bool:
    """Whether any note may be shown at all: never in privacy mode or the meeting pack, never when
    `sees_notes` is False; per session when it is a function."""
    return not anon and not pack and sees_notes is not False


def commitment_texts_allowed(*, anon: bool) -> bool:
    """Whether commitment texts may be shown: not in privacy mode."""
    return not anon


def sessions(frame: pd.DataFrame, *, anon: bool, pack: bool = False, sees_notes: SeesNotes = OPEN_MODE) -> pd.DataFrame:
    """`frame` (sessions with `manager_id`, `rep_id` and the note columns) with every note the viewer may
    not read set to None; the same frame when every note may be read."""
    present = [c for c in NOTE_COLUMNS if c in frame.columns]
    if not present or frame.empty:
        return frame
    if notes_allowed(anon=anon, pack=pack, sees_notes=sees_notes) and sees_notes is True:
        return frame
    out = frame.copy()
    if callable(sees_notes) and notes_allowed(anon=anon, pack=pack, sees_notes=sees_notes):
        hidden = ~pd.Series([bool(sees_notes(row)) for row in frame.to_dict("records")], index=frame.index)
    else:
        hidden = pd.Series(True, index=frame.index)
    for col in present:
        out[col] = out[col].astype(object).where(~hidden, None)
    return out


def commitments(frame: pd.DataFrame, *, anon: bool) -> pd.DataFrame:
    """`frame` (commitments) with their texts set to None in privacy mode."""
    if commitment_texts_allowed(anon=anon) or COMMITMENT_TEXT not in frame.columns or frame.empty:
        return frame
    out = frame.copy()
    out[COMMITMENT_TEXT] = None
    return out


Data = TypeVar("Data", "Coaching", "RepCoaching")


def coaching(data: Data, *, anon: bool, pack: bool = False, sees_notes: SeesNotes = OPEN_MODE) -> Data:
    """A manager's or a rep's coaching figures (`managers.Coaching` / `RepCoaching`) with the notes and
    commitment texts the viewer may not read taken out; the figures themselves are unchanged."""
    return dataclasses.replace(
        data,
        sessions=sessions(data.sessions, anon=anon, pack=pack, sees_notes=sees_notes),
        commitments=commitments(data.commitments, anon=anon),
    )


def for_pack(table: pd.DataFrame) -> pd.DataFrame:
    """A table for the meeting pack: without its notes column, whoever made the pack."""
    return table.drop(columns=[c for c in table.columns if c == NOTES_LABEL])
