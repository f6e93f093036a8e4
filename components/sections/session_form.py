"""The forms to log, edit and delete a coaching session (docs/coaching.md#logging-a-session), for the Coaching and Rep pages.

One `st.form`, so nothing reruns while the manager fills it in: date, type, minutes and focus on
one line, the optional rubric with each dimension's anchors, notes, up to three commitments
with due dates, and a review of the rep's open commitments. Problems are shown in words and
nothing is written; a saved session bumps the data version, so every figure follows at once.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from breakthrough.access import NotAllowed, Scope
from breakthrough.coaching import rubric, sessions
from breakthrough.coaching.sessions import CommitmentInput, SessionError, SessionInput
from breakthrough.formatting import day
from breakthrough.metrics import drivers
from breakthrough.metrics.view import reps_now
from breakthrough.store.models import RUBRIC, SESSION_TYPES
from components import cache
from components.signin import current_scope
from components.widgets.text import plain

COMMITMENT_SLOTS = 3
REVIEW_SHOWN = 6  # open commitments offered for review, the latest agreed first
NOT_SCORED = "–"
STATUSES = ["open", "done", "missed"]
REVIEW = {"not reviewed": None, "done": "done", "missed": "missed", "still open": "open"}
DRIVER_OPTIONS = [None, *drivers.KEYS]
PREFILL = "_log_prefill"  # a session started from the prep sheet: `Prefill`, kept until it is saved or dropped


def prefill() -> dict | None:
    """The session the prep sheet asked to log (manager_id, rep_id, focus_driver, review: commitment ids), if any."""
    return st.session_state.get(PREFILL)


def start_prefilled(manager_id: int, rep_id: int, focus_driver: str | None, review: tuple[int, ...]) -> None:
    """Ask the Coaching page's form to open with this rep, driver and the commitments to review first
    (an `on_click` callback: the page then switches)."""
    st.session_state[PREFILL] = {
        "manager_id": int(manager_id),
        "rep_id": int(rep_id),
        "focus_driver": focus_driver,
        "review": tuple(int(i) for i in review),
    }


def drop_prefill() -> None:
    st.session_state.pop(PREFILL, None)


@st.cache_data(show_spinner=False, max_entries=64)
def _open_commitments(rep_id: int, data_version, scope: Scope) -> pd.DataFrame:
    return sessions.open_commitments(cache.engine(), rep_id, scope)


def _counter(key: str) -> int:
    """A number in the form's key: it changes after a save, so the next form starts empty."""
    return st.session_state.get(f"_{key}_n", 0)


def _saved(key: str, message: str) -> None:
    st.session_state[f"_{key}_n"] = _counter(key) + 1
    drop_prefill()  # a session started from the prep sheet is logged: the next form starts empty
    st.session_state[f"_{key}_done"] = plain(message, 300)
    st.rerun()


def show_saved(key: str) -> None:
    """The confirmation of the last save (once)."""
    message = st.session_state.pop(f"_{key}_done", None)
    if message:
        st.success(message, icon=":material/check_circle:")


# --- picking who ------------------------------------------------------------------------------


def pick_people(
    key: str, people: pd.DataFrame, managers: list[int], manager_id: int | None, rep_id: int | None
) -> tuple[int | None, int | None]:
    """Manager and rep for a new session: fixed for a rep's page, otherwise chosen (that manager's reps only)."""
    name = people["name"].to_dict()
    if rep_id is not None:
        manager_id = people.loc[rep_id, "manager_id"]
        manager_id = None if pd.isna(manager_id) else int(manager_id)
        st.caption(f"With {plain(name[rep_id])} · manager {plain(name.get(manager_id, 'none'))}")
        return manager_id, rep_id
    if not managers:
        return None, None
    index = managers.index(manager_id) if manager_id in managers else 0
    c1, c2 = st.columns(2)
    manager_id = c1.selectbox("Manager", managers, index=index, format_func=name.get, key=f"{key}_manager")
    here = reps_now(people, None, None, dt.date.today())  # a leaver is not coached after their last day
    team = here[here["manager_id"] == manager_id]
    reps = [int(i) for i in team.sort_values("name").index]
    rep_id = c2.selectbox("Rep (this manager's reps)", reps, format_func=name.get, key=f"{key}_rep")
    return manager_id, rep_id


# --- the form body ----------------------------------------------------------------------------


def _first_line(key: str, s: SessionInput | None, today: dt.date) -> dict:
    c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
    types = list(SESSION_TYPES)
    return {
        "date": c1.date_input("Date", value=s.date if s else today, key=f"{key}_date", format="YYYY-MM-DD"),
        "type": c2.selectbox(
            "Type",
            types,
            index=types.index(s.type) if s else 0,
            format_func=sessions.TYPE_LABELS.get,
            key=f"{key}_type",
        ),
        "duration_min": c3.number_input(
            "Minutes", 1, sessions.MAX_MINUTES, s.duration_min if s else 30, step=5, key=f"{key}_minutes"
        ),
        "focus_driver": c4.selectbox(
            "Focus driver",
            DRIVER_OPTIONS,
            index=DRIVER_OPTIONS.index(s.focus_driver) if s else 0,
            format_func=lambda d: "none named" if d is None else drivers.label(d),
            key=f"{key}_driver",
            help="The one behaviour this session works on (the drivers of the Rep page).",
        ),
    }


def _rubric(key: str, s: SessionInput | None) -> dict[str, int | None]:
    """Six optional 1–5 scores, each with what a 1, a 3 and a 5 look like."""
    scores = {}
    options = [NOT_SCORED, 1, 2, 3, 4, 5]
    with st.expander("Rubric: score the session 1–5 (optional; unscored dimensions are left out)"):
        columns = st.columns(2)
        for i, dim in enumerate(RUBRIC):
            current = s.scores.get(dim) if s else None
            with columns[i % 2]:
                value = st.radio(
                    rubric.DIMENSIONS[dim].label,
                    options,
                    index=options.index(current or NOT_SCORED),
                    horizontal=True,
                    key=f"{key}_{dim}",
                )
                st.caption(rubric.anchors(dim))
            scores[dim] = None if value == NOT_SCORED else int(value)
    return scores


def _commitment_inputs(key: str, s: SessionInput | None) -> list[CommitmentInput]:
    """Existing commitments (editable, with status) and empty lines for new ones; blank lines are skipped."""
    existing = list(s.commitments) if s else []
    st.markdown("**Commitments** — what the rep will do, each with a due date")
    found = []
    for i in range(len(existing) + COMMITMENT_SLOTS):
        old = existing[i] if i < len(existing) else None
        c1, c2, c3 = st.columns([4, 1, 1])
        text = c1.text_input(
            f"Commitment {i + 1}",
            value=old.text if old else "",
            key=f"{key}_c{i}",
            placeholder="e.g. Ask for the meeting on every connected call",
        )
        due = c2.date_input(f"Due {i + 1}", value=old.due_date if old else None, key=f"{key}_d{i}", format="YYYY-MM-DD")
        status = "open"
        if old is not None:  # a new commitment starts open; an existing one can be marked done or missed
            status = c3.selectbox(f"Status {i + 1}", STATUSES, index=STATUSES.index(old.status), key=f"{key}_s{i}")
        if text.strip() or (old is None and due is not None):  # an emptied old line removes that commitment
            found.append(CommitmentInput(text, due, old.driver if old else None, status, old.id if old else None))
    return found


def _reviews(key: str, rep_id: int, first: tuple[int, ...] = ()) -> dict[int, str]:
    """The rep's open commitments (those of `first` — the prep sheet's — then the latest agreed), each marked
    done / missed / still open when reviewed here."""
    pending = _open_commitments(rep_id, cache.version(), current_scope())
    if pending.empty:
        return {}
    pending = pending.sort_values(["session_date", "id"], ascending=False)  # the latest agreed first
    if first:
        pending = pending.assign(_first=~pending["id"].isin(list(first))).sort_values("_first", kind="stable")
    st.markdown("**Review the rep's open commitments**")
    found = {}
    for c in pending.head(REVIEW_SHOWN).itertuples():
        due = f"due {day(c.due_date)}" if c.due_date else "no due date"
        choice = st.radio(
            f"{plain(c.text, 200)} (agreed {day(c.session_date)}, {due})",
            list(REVIEW),
            horizontal=True,
            key=f"{key}_r{c.id}",
        )
        if REVIEW[choice] is not None:
            found[int(c.id)] = REVIEW[choice]
    if len(pending) > REVIEW_SHOWN:
        st.caption(
            f"{len(pending) - REVIEW_SHOWN} more open commitments are in the Commitments list; "
            "review the ones above first."
        )
    return found


def _body(
    key: str, s: SessionInput | None, rep_id: int, today: dt.date, review: bool, first: tuple[int, ...] = ()
) -> dict:
    fields = _first_line(key, s, today)
    fields["focus_text"] = st.text_input(
        "Focus in your words (optional)", value=(s.focus_text or "") if s else "", key=f"{key}_focus_text"
    )
    fields["scores"] = _rubric(key, s)
    fields["notes"] = st.text_area("Notes", value=(s.notes or "") if s else "", height=80, key=f"{key}_notes")
    fields["commitments"] = tuple(_commitment_inputs(key, s))
    fields["reviews"] = _reviews(key, rep_id, first) if review else {}
    return fields


def _write(action, key: str, message: str) -> bool:
    """Run a write; show each problem in words instead of saving. True when it was written."""
    try:
        action()
    except SessionError as err:
        for text in err.problems:
            st.error(plain(text, 500))
        return False
    except NotAllowed as err:  # outside the viewer's role: nothing was written
        st.error(plain(str(err), 500))
        return False
    _saved(key, message)
    return True


# --- log and edit -----------------------------------------------------------------------------


def log_form(
    key: str,
    people: pd.DataFrame,
    managers: list[int],
    manager_id: int | None = None,
    rep_id: int | None = None,
    as_of: dt.date | None = None,
    started: dict | None = None,
) -> None:
    """Log a new session: pick manager and rep (unless fixed), fill one form, save.

    `started`: a session begun on the prep sheet (`prefill()`): that rep, a one-on-one on that focus driver, and
    the commitments to review listed first. Only leaders and managers log sessions; a manager logs as themselves
    (the manager picker offers only them)."""
    show_saved(key)
    scope = current_scope()
    if not scope.may("coaching"):
        st.info("Coaching sessions are logged by the rep's manager or a leader.")
        return
    if scope.role == "manager":
        managers = [m for m in managers if m == scope.person_id]
        manager_id = scope.person_id
    manager_id, rep_id = pick_people(key, people, managers, manager_id, rep_id)
    if manager_id is None or rep_id is None:
        st.info("No manager with reps to log a session for. Reps need a manager (load people on the Data page).")
        return
    today = dt.date.today()
    form_key = f"{key}_{_counter(key)}"
    begun = None
    if started is not None:
        begun = SessionInput(manager_id, rep_id, today, "one_on_one", 30, focus_driver=started.get("focus_driver"))
    with st.form(form_key):
        fields = _body(form_key, begun, rep_id, today, review=True, first=tuple(started["review"]) if started else ())
        submitted = st.form_submit_button("Log session", type="primary")
    if as_of is not None and as_of < today:
        st.caption(f"The view is as of {day(as_of)}: sessions after that day are not in its figures.")
    if submitted:
        entry = SessionInput(manager_id=manager_id, rep_id=rep_id, **fields)
        name = people["name"].to_dict()
        _write(
            lambda: sessions.log(cache.engine(), entry, today, scope=scope),
            key,
            f"Session logged: {sessions.TYPE_LABELS[entry.type].lower()} with {name[rep_id]} on {day(entry.date)}.",
        )


def edit_form(key: str, session_id: int, people: pd.DataFrame) -> None:
    """Edit a stored session (its manager and rep stay), or delete it after ticking the confirmation."""
    show_saved(key)
    scope = current_scope()
    if not scope.may("coaching"):
        return
    existing = sessions.session_input(cache.engine(), session_id)
    if existing is None:
        st.info("That session no longer exists.")
        return
    name = people["name"].to_dict()
    st.caption(f"{plain(name.get(existing.manager_id))} with {plain(name.get(existing.rep_id))}")
    form_key = f"{key}_{session_id}_{_counter(key)}"
    with st.form(form_key):
        fields = _body(form_key, existing, existing.rep_id, dt.date.today(), review=False)
        c1, c2, c3 = st.columns([1, 1, 2])
        save = c1.form_submit_button("Save changes", type="primary")
        remove = c2.form_submit_button("Delete session")
        confirm = c3.checkbox("Yes, delete this session and its commitments", key=f"{form_key}_confirm")
    if save:
        entry = SessionInput(manager_id=existing.manager_id, rep_id=existing.rep_id, **fields)
        _write(
            lambda: sessions.edit(cache.engine(), session_id, entry, dt.date.today(), scope=scope),
            key,
            "Session saved.",
        )
    elif remove and not confirm:
        st.error("Delete: tick “Yes, delete this session and its commitments” first, then press Delete again.")
    elif remove:
        _write(lambda: sessions.delete_session(cache.engine(), session_id, scope=scope), key, "Session deleted.")
