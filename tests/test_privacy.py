"""Privacy mode and coaching-note visibility: what the domain hands a page, and what the pages send.

In privacy mode (`anon=1`) no other rep's name, no coaching note and no commitment text may reach the
browser: not in a widget's options, a table, a chart, a link or the meeting pack. Coaching notes never go
into the meeting pack, and only to whom `sees_notes` allows (docs/sharing.md#privacy-mode).
The same search in a real browser, over the websocket frames: tests/test_privacy_browser.py.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from urllib.parse import quote, quote_plus

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select

from breakthrough import demo
from breakthrough.sharing import anonymise, exports, visibility
from breakthrough.store import queries
from breakthrough.store.models import CoachingSession, Commitment
from components import sharing
from components.sections import coaching_tables

CHOSEN = demo.STORIES["low_activity"]


# --- the rules, in the domain ---------------------------------------------------------------------


def own_sessions_only(row) -> bool:  # a Scope.sees_notes of manager 10: their own sessions' notes
    return row["manager_id"] == 10


@pytest.mark.parametrize("anon, pack, sees, allowed", [
    (False, False, True, True),               # open mode, a page: every note
    (True, False, True, False),               # privacy mode: none
    (False, True, True, False),               # the meeting pack: none, whoever made it
    (False, False, False, False),             # a role that may read no note (sales ops)
    (False, False, own_sessions_only, True),  # per session: decided row by row
    (True, False, own_sessions_only, False),
    (False, True, own_sessions_only, False),
])  # fmt: skip
def test_when_notes_may_leave_the_app(anon, pack, sees, allowed):
    assert visibility.notes_allowed(anon=anon, pack=pack, sees_notes=sees) is allowed


SESSIONS = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "manager_id": [10, 11, 10],
        "rep_id": [20, 21, 22],
        "notes": ["Ann's pipeline is thin", "Bob argued", None],
        "focus_text": ["calls", "win rate", "coverage"],
        "duration_min": [30, 45, 60],
    }
)


def texts(column: pd.Series) -> list[str | None]:
    return [v if isinstance(v, str) else None for v in column]


@pytest.mark.parametrize("anon, pack, sees, notes, focus", [
    (False, False, True, ["Ann's pipeline is thin", "Bob argued", None], ["calls", "win rate", "coverage"]),
    (True, False, True, [None, None, None], [None, None, None]),
    (False, True, True, [None, None, None], [None, None, None]),
    (False, False, False, [None, None, None], [None, None, None]),
    (False, False, own_sessions_only, ["Ann's pipeline is thin", None, None], ["calls", None, "coverage"]),
])  # fmt: skip
def test_sessions_lose_the_notes_the_viewer_may_not_read(anon, pack, sees, notes, focus):
    out = visibility.sessions(SESSIONS, anon=anon, pack=pack, sees_notes=sees)
    assert texts(out["notes"]) == notes and texts(out["focus_text"]) == focus
    assert list(out["duration_min"]) == [30, 45, 60]  # the figures stay
    assert texts(SESSIONS["notes"]) == ["Ann's pipeline is thin", "Bob argued", None]  # the input is not changed


@pytest.mark.parametrize("anon, said", [(False, ["Call 60 a week", "Map the buyers"]), (True, [None, None])])
def test_commitment_texts_are_taken_out_in_privacy_mode(anon, said):
    commitments = pd.DataFrame({"id": [1, 2], "text": ["Call 60 a week", "Map the buyers"], "status": ["open", "done"]})
    out = visibility.commitments(commitments, anon=anon)
    assert texts(out["text"]) == said and list(out["status"]) == ["open", "done"]


@pytest.mark.parametrize("names, chosen, offered", [
    (["Ann Lee", "Bob Stone", "Cara Diaz"], None, []),
    (["Ann Lee", "Bob Stone", "Cara Diaz"], "Bob Stone", ["Bob Stone"]),
    (["Ann Lee", "Bob Stone"], "Zoë Nobody", []),  # a name not in the view is not offered either
])  # fmt: skip
def test_the_rep_picker_offers_only_the_chosen_rep_in_privacy_mode(names, chosen, offered):
    assert anonymise.picker_names(names, chosen) == offered


ROWS = pd.DataFrame(
    {"Rep": ["Ann Lee", "Bob Stone"], "Minutes": [30, 45], "Notes": ["thin pipeline", "argued about quota"]}
)


def test_the_meeting_pack_never_holds_notes():
    pack = exports.meeting_pack("Rep", "Q4", "http://x", [exports.Section("Timeline", table=ROWS)], dt.datetime.now())
    assert "thin pipeline" not in pack and "argued about quota" not in pack and ">Notes<" not in pack
    assert "Ann Lee" in pack and ">45<" in pack  # the rest of the table is there


# --- downloads: the tables a page makes from the coaching data ----------------------------------


@pytest.fixture
def demo_coaching(demo_engine):
    """Every demo session and commitment, as the coaching figures read them."""
    from breakthrough import settings as settings_store
    from breakthrough.coaching import managers, sessions

    start, end = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
    weights = settings_store.load(demo_engine).rubric_weights
    return managers.with_quality(sessions.sessions(demo_engine, start, end), weights), sessions.commitments(
        demo_engine, start, end
    )


def downloaded(frame: pd.DataFrame) -> str:
    """The CSV and the Excel workbook of `frame`, as one text to search."""
    book = openpyxl.load_workbook(io.BytesIO(exports.excel_bytes(frame, "t")))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    return exports.csv_bytes(frame).decode("utf-8-sig") + "\n".join(cells)


@pytest.mark.parametrize("who, sees, shown", [
    ("open mode", True, "all"),
    ("sales ops (no notes)", False, "none"),
    ("one manager", "MANAGER", "theirs"),
])  # fmt: skip
def test_downloads_hold_only_the_notes_the_viewer_may_read(demo_coaching, demo_engine, who, sees, shown):
    found, commitments = demo_coaching
    manager = int(found["manager_id"].iloc[0])
    rule = (lambda row: row["manager_id"] == manager) if sees == "MANAGER" else sees
    names = queries.people(demo_engine)["name"].to_dict()
    rows = coaching_tables.session_rows(visibility.sessions(found, anon=False, sees_notes=rule), commitments, names)
    text = downloaded(rows)
    mine = found["manager_id"] == manager
    own = {n for n in found.loc[mine, "notes"] if n}
    others = {n for n in found.loc[~mine, "notes"] if n} - own  # a demo note text may be used by several
    assert own and others
    expected = {"all": (own | others, set()), "none": (set(), own | others), "theirs": (own, others)}[shown]
    assert {n for n in own | others if n in text} == expected[0]
    assert not {n for n in expected[1] if n in text}


# --- the pages: everything AppTest holds, as Streamlit would send it ----------------------------


def secrets(engine) -> dict[str, set[str]]:
    people = queries.people(engine)
    reps = set(people.loc[people["role"] == "rep", "name"]) - {CHOSEN}
    with engine.connect() as conn:
        notes = {n for n in conn.execute(select(CoachingSession.notes)).scalars() if n}
        texts = {t for t in conn.execute(select(Commitment.text)).scalars() if t}
    return {"rep names": reps, "coaching notes": notes, "commitment texts": texts}


def sent(at) -> bytes:
    """Every element and block of the run as the protobuf bytes Streamlit sends (options, cells, specs…)."""
    return b"\n".join(node.proto.SerializeToString() for node in at._tree if getattr(node, "proto", None) is not None)


def leaks(hidden: dict[str, set[str]], blob: bytes) -> dict[str, list[str]]:
    def spellings(s: str) -> set[bytes]:
        return {f.encode() for f in (s, quote(s), quote_plus(s), json.dumps(s)[1:-1], html.escape(s))}

    hits = {k: sorted(s for s in v if any(f in blob for f in spellings(s))) for k, v in hidden.items()}
    return {k: v for k, v in hits.items() if v}


PAGES = [  # page, parameters besides anon=1
    ("pages/overview.py", {}),
    ("pages/overview.py", {"rep": CHOSEN}),
    ("pages/rep.py", {}),
    ("pages/rep.py", {"rep": CHOSEN}),
    ("pages/coaching.py", {}),
    ("pages/coaching.py", {"manager": "MANAGER"}),
    ("pages/coaching.py", {"rep": CHOSEN}),
    ("pages/pipeline.py", {}),
    ("pages/pipeline.py", {"rep": CHOSEN}),
    ("pages/data.py", {}),
    ("pages/settings.py", {}),
]


@pytest.mark.parametrize(("page", "extra"), PAGES, ids=[f"{p}?{'&'.join(e)}" for p, e in PAGES])
def test_privacy_mode_pages_send_no_other_reps_name_note_or_commitment(demo_app, demo_engine, page, extra):
    people = queries.people(demo_engine)
    manager = str(people.loc[people["name"] == CHOSEN, "manager"].iloc[0])
    at = demo_app(page, anon="1", **{k: manager if v == "MANAGER" else v for k, v in extra.items()})
    assert not at.exception and not [e.value for e in at.error]
    hidden = secrets(demo_engine)
    pack = sharing.pack_html(at.session_state[sharing.SHARE_KEY]).encode()
    assert leaks(hidden, sent(at)) == {}
    assert leaks(hidden, pack) == {}
    if "rep" in extra:  # the search finds a name that is there: the chosen rep keeps theirs
        assert leaks({"chosen": {CHOSEN}}, sent(at)) == {"chosen": [CHOSEN]}


def test_the_same_pages_name_everyone_without_privacy_mode(demo_app, demo_engine):
    """The search above is not blind: off, the rep list and the coaching tables carry names and texts."""
    at = demo_app("pages/coaching.py")
    found = leaks(secrets(demo_engine), sent(at))
    assert set(found) == {"rep names", "coaching notes", "commitment texts"}
    assert len(found["rep names"]) == 23  # the sidebar's rep list names them all


def test_the_meeting_pack_of_the_rep_page_holds_no_note_without_privacy_mode(demo_app, demo_engine):
    at = demo_app("pages/rep.py", rep=CHOSEN)
    timeline = next(df.value for df in at.dataframe if "Notes" in df.value.columns)
    assert timeline["Notes"].str.len().sum() > 0  # on the page, notes are shown (open mode)
    pack = sharing.pack_html(at.session_state[sharing.SHARE_KEY])
    assert leaks({"notes": secrets(demo_engine)["coaching notes"]}, pack.encode()) == {}


@pytest.mark.parametrize("sees, column, any_note", [
    (True, True, True),       # open mode: every note of the rep's timeline
    (False, False, False),    # a role that may read no note (sales ops): no Notes column at all
    ("OTHER", True, False),   # notes of another manager's sessions only: the column, every cell empty
])  # fmt: skip
def test_the_rep_pages_notes_follow_sees_notes(demo_app, demo_engine, monkeypatch, sees, column, any_note):
    """`components.sharing.sees_notes` is where sign-in plugs the Scope's rule in; the page obeys it."""
    rule = (lambda row: row["manager_id"] == -1) if sees == "OTHER" else sees
    monkeypatch.setattr(sharing, "sees_notes", lambda: rule)
    at = demo_app("pages/rep.py", rep=CHOSEN)
    timeline = next(df.value for df in at.dataframe if "Quality (0–100)" in df.value.columns)
    assert len(timeline) > 0 and ("Notes" in timeline.columns) is column
    notes = secrets(demo_engine)["coaching notes"]
    assert bool(leaks({"notes": notes}, sent(at))) is any_note
