"""Coaching sessions and commitments: check, log, edit, delete and read them (docs/coaching.md#logging-a-session).

Every write runs in one transaction and bumps the data version, so a logged session
appears in every figure at once. `problems()` says, in words, what is wrong with a
session before anything is written; `log()` and `edit()` refuse one with problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from breakthrough.access.scope import OPEN, Scope, require
from breakthrough.formatting import day
from breakthrough.metrics.drivers import DRIVERS
from breakthrough.store import audit
from breakthrough.store.db import bump_data_version
from breakthrough.store.models import COMMITMENT_STATUSES, RUBRIC, SESSION_TYPES, CoachingSession, Commitment, Person
from breakthrough.store.queries import as_date as _as_date
from breakthrough.store.queries import read_frame as _frame
from breakthrough.store.rows import as_dates, by_column, fetch
from breakthrough.store.text import TEXT, text_column

TYPE_LABELS = {
    "one_on_one": "One-on-one",
    "joint_call": "Joint call",
    "debrief": "Debrief",
    "pipeline_review": "Pipeline review",
    "deal_review": "Deal review",
    "other": "Other",
}
MAX_MINUTES = 480
assert tuple(TYPE_LABELS) == SESSION_TYPES


class SessionError(ValueError):
    """A session that cannot be written; `problems` lists every reason in words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CommitmentInput:
    """A commitment agreed in a session; `id` is set when editing an existing one."""

    text: str
    due_date: dt.date | None
    driver: str | None = None
    status: str = "open"
    id: int | None = None


@dataclass(frozen=True)
class SessionInput:
    """What a manager logs. `reviews` maps earlier commitments reviewed here to their new status."""

    manager_id: int
    rep_id: int
    date: dt.date
    type: str
    duration_min: int
    focus_driver: str | None = None
    focus_text: str | None = None
    scores: dict[str, int | None] = field(default_factory=dict)
    notes: str | None = None
    commitments: tuple[CommitmentInput, ...] = ()
    reviews: dict[int, str] = field(default_factory=dict)
    scored_by_id: int | None = None


# --- checking ----------------------------------------------------------------------------------


def problems(engine: Engine, s: SessionInput, today: dt.date) -> list[str]:
    """Everything wrong with `s`, each saying what, where and what to do (empty when it can be saved)."""
    found = _field_problems(s, today)
    with engine.connect() as conn:
        found += _people_problems(conn, s)
        found += _review_problems(conn, s)
    found += _commitment_problems(s)
    return found


def _field_problems(s: SessionInput, today: dt.date) -> list[str]:
    found = []
    if s.date > today:
        found.append(f"Date: {day(s.date)} is in the future. Log a session once it has happened (today or earlier).")
    if s.type not in SESSION_TYPES:
        found.append(f"Type: “{s.type}” is not a session type. Choose one of: {', '.join(TYPE_LABELS.values())}.")
    if not 1 <= s.duration_min <= MAX_MINUTES:
        found.append(f"Duration: {s.duration_min} minutes is not possible. Enter 1 to {MAX_MINUTES} minutes.")
    if s.focus_driver is not None and s.focus_driver not in DRIVERS:
        found.append(f"Focus driver: “{s.focus_driver}” is unknown. Choose one of the listed drivers or none.")
    for dim, score in s.scores.items():
        if dim not in RUBRIC or (score is not None and not 1 <= score <= 5):
            found.append(f"Rubric: {dim} = {score} is not allowed. Score each dimension 1 to 5, or leave it unscored.")
    return found


def _people_problems(conn: Connection, s: SessionInput) -> list[str]:
    people = {
        r.id: r
        for r in conn.execute(
            select(Person.id, Person.name, Person.manager_id).where(Person.id.in_([s.manager_id, s.rep_id]))
        )
    }
    manager, rep = people.get(s.manager_id), people.get(s.rep_id)
    if manager is None or rep is None:
        return ["Manager and rep: choose both from the lists (one of them is no longer in the data)."]
    if rep.manager_id != manager.id:
        return [
            f"Rep: {rep.name} is not in {manager.name}'s team. Choose one of {manager.name}'s reps, "
            "or log the session under the rep's own manager."
        ]
    return []


def _review_problems(conn: Connection, s: SessionInput) -> list[str]:
    if not s.reviews:
        return []
    owners = dict(
        conn.execute(select(Commitment.id, Commitment.rep_id).where(Commitment.id.in_(list(s.reviews)))).all()
    )
    found = [
        f"Review: commitment {cid} does not belong to this rep; review it in a session with its own rep."
        for cid in s.reviews
        if owners.get(cid) != s.rep_id
    ]
    found += [
        f"Review: “{status}” is not a commitment status. Use open, done or missed."
        for status in s.reviews.values()
        if status not in COMMITMENT_STATUSES
    ]
    return found


def _commitment_problems(s: SessionInput) -> list[str]:
    found = []
    for number, c in enumerate(s.commitments, start=1):
        where = f"Commitment {number} (“{_short(c.text)}”)"
        if not c.text.strip():
            found.append(f"Commitment {number}: the text is empty. Say what the rep will do, or remove the line.")
        elif c.due_date is None:
            found.append(f"{where} has no due date. Give it one, so follow-through can be measured.")
        elif c.due_date < s.date:
            found.append(
                f"{where} is due {day(c.due_date)}, before the session ({day(s.date)}). Pick a later due date."
            )
        if c.status not in COMMITMENT_STATUSES:
            found.append(f"{where}: status “{c.status}” is unknown. Use open, done or missed.")
    return found


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- writing -----------------------------------------------------------------------------------


def log(engine: Engine, s: SessionInput, today: dt.date, scope: Scope = OPEN) -> int:
    """Write a new session, its commitments and its reviews in one transaction, with the audit log's entry;
    return its id (`scope`: who writes; `access.NotAllowed` outside their role, nothing written)."""
    require(scope, "coaching", rep_id=s.rep_id, manager_id=s.manager_id)
    _refuse(engine, s, today)
    with engine.begin() as conn:
        key = conn.execute(insert(CoachingSession).values(**_session_values(s))).inserted_primary_key
        assert key is not None  # one row inserted: its primary key
        session_id = key[0]
        _add_commitments(conn, session_id, s)
        _apply_reviews(conn, session_id, s)
        audit.record(conn, scope, "session add", f"coaching session #{session_id}", _said(conn, s))
        bump_data_version(conn)
    return int(session_id)


def _said(conn: Connection, s: SessionInput) -> str:
    """A session in a line, for the audit log: who, when, what kind, how long — never its notes or what a
    commitment says (the log's readers may not read those)."""
    names = dict(conn.execute(select(Person.id, Person.name).where(Person.id.in_([s.manager_id, s.rep_id]))).all())
    agreed = f", {len(s.commitments)} commitment{'s' * (len(s.commitments) != 1)}" if s.commitments else ""
    reviewed = f", {len(s.reviews)} reviewed" if s.reviews else ""
    return (
        f"{TYPE_LABELS.get(s.type, s.type)} on {s.date.isoformat()}, {int(s.duration_min)} min: manager "
        f"{names.get(s.manager_id, s.manager_id)}, rep {names.get(s.rep_id, s.rep_id)}{agreed}{reviewed}"
    )


def edit(engine: Engine, session_id: int, s: SessionInput, today: dt.date, scope: Scope = OPEN) -> None:
    """Replace a session's fields and its own commitments (kept by id, new ones added, missing ones removed);
    the audit log's entry in the same transaction (a manager: their own sessions only)."""
    _require_own(engine, session_id, scope)
    require(scope, "coaching", rep_id=s.rep_id, manager_id=s.manager_id)
    _refuse(engine, s, today)
    with engine.begin() as conn:
        conn.execute(update(CoachingSession).where(CoachingSession.id == session_id).values(**_session_values(s)))
        kept = [c.id for c in s.commitments if c.id is not None]
        conn.execute(delete(Commitment).where(Commitment.session_id == session_id, Commitment.id.not_in(kept)))
        for c in s.commitments:
            if c.id is not None:
                values = {"text": c.text.strip(), "due_date": c.due_date, "driver": c.driver, "status": c.status}
                conn.execute(update(Commitment).where(Commitment.id == c.id).values(**values, rep_id=s.rep_id))
        _add_commitments(conn, session_id, s, only_new=True)
        _apply_reviews(conn, session_id, s)
        audit.record(conn, scope, "session edit", f"coaching session #{session_id}", _said(conn, s))
        bump_data_version(conn)


def delete_session(engine: Engine, session_id: int, scope: Scope = OPEN) -> None:
    """Remove a session and the commitments agreed in it; commitments it reviewed become open again (the
    audit log's entry, with what the session was, in the same transaction; a manager: their own only)."""
    _require_own(engine, session_id, scope)
    with engine.begin() as conn:
        old = _stored(conn, session_id)
        said = _said(conn, old) if old else "no such session"
        audit.record(conn, scope, "session delete", f"coaching session #{session_id}", said)
        reviewed = Commitment.reviewed_session_id == session_id
        conn.execute(
            update(Commitment).where(reviewed).values(status="open", reviewed_session_id=None, reviewed_date=None)
        )
        conn.execute(delete(Commitment).where(Commitment.session_id == session_id))
        conn.execute(delete(CoachingSession).where(CoachingSession.id == session_id))
        bump_data_version(conn)


def _stored(conn: Connection, session_id: int) -> SessionInput | None:
    """What the audit log says of a stored session (who, when, kind, minutes, commitments), read on `conn`."""
    c = CoachingSession
    row = conn.execute(select(c.manager_id, c.rep_id, c.date, c.type, c.duration_min).where(c.id == session_id)).first()
    if row is None:
        return None
    agreed = conn.execute(select(Commitment.id).where(Commitment.session_id == session_id)).scalars().all()
    return SessionInput(
        manager_id=row.manager_id,
        rep_id=row.rep_id,
        date=_as_date(row.date),
        type=row.type,
        duration_min=row.duration_min,
        commitments=tuple(CommitmentInput("", None, id=int(i)) for i in agreed),
    )


def set_commitment_status(engine: Engine, commitment_id: int, status: str, on: dt.date, scope: Scope = OPEN) -> None:
    """Mark one commitment done, missed or open again outside a session (a manager correcting one of their
    own sessions'), with the audit log's entry in the same transaction; `access.NotAllowed` outside the role."""
    if status not in COMMITMENT_STATUSES:
        raise SessionError([f"A commitment's status is one of {', '.join(COMMITMENT_STATUSES)}, not “{status}”."])
    with engine.begin() as conn:
        old = conn.execute(
            select(Commitment.status, Commitment.rep_id, CoachingSession.manager_id)
            .join(CoachingSession, CoachingSession.id == Commitment.session_id)
            .where(Commitment.id == commitment_id)
        ).first()
        if old is None:
            raise SessionError([f"Commitment #{commitment_id} does not exist (any more): reload the page."])
        require(scope, "commitments", rep_id=old.rep_id, manager_id=old.manager_id)
        reviewed = {"reviewed_date": func.coalesce(Commitment.reviewed_date, on)} if status != "open" else {}
        conn.execute(update(Commitment).where(Commitment.id == commitment_id).values(status=status, **reviewed))
        rep = conn.execute(select(Person.name).where(Person.id == old.rep_id)).scalar()
        said = f"status {old.status} → {status} on {on.isoformat()} (rep {rep})"
        audit.record(conn, scope, "commitment change", f"commitment #{commitment_id}", said)
        bump_data_version(conn)


def _require_own(engine: Engine, session_id: int, scope: Scope) -> None:
    """`access.NotAllowed` unless `scope` may change the stored session `session_id` (a manager: their own)."""
    if scope.is_open:
        return
    with engine.connect() as conn:
        found = conn.execute(
            select(CoachingSession.manager_id, CoachingSession.rep_id).where(CoachingSession.id == session_id)
        ).first()
    require(scope, "coaching", rep_id=found.rep_id if found else None, manager_id=found.manager_id if found else None)


def _refuse(engine: Engine, s: SessionInput, today: dt.date) -> None:
    found = problems(engine, s, today)
    if found:
        raise SessionError(found)


def _session_values(s: SessionInput) -> dict:
    scores = {dim: s.scores.get(dim) for dim in RUBRIC}
    return {
        "manager_id": s.manager_id,
        "rep_id": s.rep_id,
        "date": s.date,
        "type": s.type,
        "duration_min": int(s.duration_min),
        "focus_driver": s.focus_driver,
        "focus_text": (s.focus_text or "").strip() or None,
        **scores,
        "scored_by_id": (s.scored_by_id or s.manager_id) if any(v is not None for v in scores.values()) else None,
        "notes": (s.notes or "").strip() or None,
    }


def _add_commitments(conn: Connection, session_id: int, s: SessionInput, only_new: bool = False) -> None:
    rows = [
        {
            "session_id": session_id,
            "rep_id": s.rep_id,
            "text": c.text.strip(),
            "due_date": c.due_date,
            "driver": c.driver or s.focus_driver,
            "status": c.status,
        }
        for c in s.commitments
        if not (only_new and c.id is not None)
    ]
    if rows:
        conn.execute(insert(Commitment), rows)


def _apply_reviews(conn: Connection, session_id: int, s: SessionInput) -> None:
    """Commitments reviewed in this session get their new status; the first review's session and date are kept."""
    for commitment_id, status in s.reviews.items():
        conn.execute(
            update(Commitment)
            .where(Commitment.id == commitment_id)
            .values(
                status=status,
                reviewed_session_id=func.coalesce(Commitment.reviewed_session_id, session_id),
                reviewed_date=func.coalesce(Commitment.reviewed_date, s.date),
            )
        )


# --- reading -----------------------------------------------------------------------------------

SESSION_COLUMNS = [
    "id",
    "manager_id",
    "rep_id",
    "date",
    "type",
    "duration_min",
    "focus_driver",
    "focus_text",
    *RUBRIC,
    "notes",
]
COMMITMENT_COLUMNS = [
    "id",
    "session_id",
    "manager_id",
    "rep_id",
    "session_date",
    "text",
    "driver",
    "due_date",
    "status",
    "reviewed_session_id",
    "reviewed_date",
]


NOTE_TEXTS = ("focus_text", "notes")  # a session's free text (`with_texts`)
FIGURE_COLUMNS = [c for c in SESSION_COLUMNS if c not in NOTE_TEXTS]  # `session_figures`
AGREED_COLUMNS = [c for c in COMMITMENT_COLUMNS if c != "text"]  # `commitment_figures`


MANY_REPS = 50  # for more reps than this a read takes the window's rows and keeps theirs (see `_read`)
TEXTS = {"type", "focus_driver", "focus_text", "notes", "text", "driver", "status"}  # columns of text
WHOLE = {"id", "manager_id", "rep_id", "duration_min", "session_id", "reviewed_session_id", *RUBRIC}  # integers


def sessions(engine: Engine, start: dt.date, end: dt.date, rep_ids=None) -> pd.DataFrame:
    """Sessions dated in [start, end] (of `rep_ids` when given), oldest first."""
    return _sessions(engine, start, end, rep_ids, SESSION_COLUMNS)


def session_figures(engine: Engine, start: dt.date, end: dt.date, rep_ids=None) -> pd.DataFrame:
    """`sessions` without their free text (`NOTE_TEXTS`): every column a figure needs, read for hundreds of reps
    in a fraction of the time (a note is most of a row's bytes); `with_texts` adds the texts to the rows a page
    lists."""
    return _sessions(engine, start, end, rep_ids, FIGURE_COLUMNS)


def _sessions(engine: Engine, start: dt.date, end: dt.date, rep_ids, columns: list[str]) -> pd.DataFrame:
    s = CoachingSession
    stmt = select(*[getattr(s, c) for c in columns]).where(s.date.between(start, end))
    ids = _few(rep_ids)
    if ids is not None:
        stmt = stmt.where(s.rep_id.in_(ids))
    return _read(engine, stmt.order_by(s.date, s.id), columns, ("date",), _many(rep_ids))


def _few(rep_ids) -> list[int] | None:
    """The reps to name in the query: up to `MANY_REPS` of them (an index probe each); else None."""
    return None if rep_ids is None or len(rep_ids) > MANY_REPS else [int(i) for i in rep_ids]


def _many(rep_ids) -> set[int] | None:
    """The reps whose rows `_read` keeps itself, when there are more than `MANY_REPS` (else None)."""
    return None if rep_ids is None or len(rep_ids) <= MANY_REPS else {int(i) for i in rep_ids}


def _read(
    engine: Engine, stmt, columns: list[str], dates: tuple[str, ...], reps: set[int] | None = None
) -> pd.DataFrame:
    """`_frame` with `dates` as `datetime.date` (None when missing), built column by column: the same frame
    as from rows, in a fraction of the time; each distinct date is read once, text columns made by Arrow.
    `reps`: only the rows whose `rep_id` is one of these are kept (the window's rows read in one scan: for
    hundreds of reps, quicker than an index probe per rep and a sort; the frame is made of the kept rows).
    The cycle collector is left alone: it is the whole server's, and its sessions run in threads of one process."""
    return _made(fetch(engine, stmt), columns, dates, reps)


def _made(found: list, columns: list[str], dates: tuple[str, ...], reps: set[int] | None) -> pd.DataFrame:
    if reps is not None:
        at = columns.index("rep_id")
        found = [r for r in found if r[at] in reps]
    if not found:
        frame = pd.DataFrame([], columns=columns)
        for col in dates:
            frame[col] = frame[col].map(_as_date)
        return frame
    values = by_column(found, columns)
    made = {c: as_dates(v) if c in dates else text_column(v) if c in TEXTS else _whole(v) if c in WHOLE else v
            for c, v in values.items()}  # fmt: skip
    return pd.DataFrame(made, columns=columns)


def _whole(values: list):
    """A column of whole numbers (None where missing) as pandas infers it, without its inference: integers;
    floats with NaN where some are missing; left as they are (None) when all are."""
    if None not in values:
        return np.array(values, dtype=np.int64)
    return values if values.count(None) == len(values) else np.array(values, dtype=np.float64)


def commitments(engine: Engine, start: dt.date, end: dt.date, rep_ids=None) -> pd.DataFrame:
    """Commitments agreed in sessions dated in [start, end], with the session's manager and date."""
    return _commitments(engine, start, end, rep_ids, COMMITMENT_COLUMNS)


def commitment_figures(engine: Engine, start: dt.date, end: dt.date, rep_ids=None) -> pd.DataFrame:
    """`commitments` without what they say (`text`: `with_texts` adds it to the rows a page lists)."""
    return _commitments(engine, start, end, rep_ids, AGREED_COLUMNS)


def _commitments(engine: Engine, start: dt.date, end: dt.date, rep_ids, columns: list[str]) -> pd.DataFrame:
    c, s = Commitment, CoachingSession
    named = {"manager_id": s.manager_id, "session_date": s.date}
    stmt = (
        select(*[named[n] if n in named else getattr(c, n) for n in columns])
        .join(s, s.id == c.session_id)
        .where(s.date.between(start, end))
    )
    ids = _few(rep_ids)
    if ids is not None:
        stmt = stmt.where(c.rep_id.in_(ids))
    dates = ("session_date", "due_date", "reviewed_date")
    return _read(engine, stmt.order_by(s.date, c.id), columns, dates, _many(rep_ids))


def with_texts(engine: Engine, sessions: pd.DataFrame, commitments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of `session_figures` and `commitment_figures` (a page's few) with their texts, read by id: the same
    frames as `sessions` and `commitments` give for them (the texts as text, `str`, missing ones NaN)."""
    s, c = CoachingSession, Commitment
    notes = _texts(engine, s, sessions["id"], NOTE_TEXTS)
    said = _texts(engine, c, commitments["id"], ("text",))
    return _inserted(sessions, notes, SESSION_COLUMNS), _inserted(commitments, said, COMMITMENT_COLUMNS)


def _texts(engine: Engine, table, ids: pd.Series, names: tuple[str, ...]) -> dict[str, list]:
    """Each text column `names` of `table` for the rows `ids`, in their order."""
    wanted = [int(i) for i in ids]
    found = {r[0]: r[1:] for r in fetch(engine, select(table.id, *[getattr(table, n) for n in names]).where(
        table.id.in_(wanted)))} if wanted else {}  # fmt: skip
    return {n: [found[i][k] if i in found else None for i in wanted] for k, n in enumerate(names)}


def _inserted(frame: pd.DataFrame, texts: dict[str, list], columns: list[str]) -> pd.DataFrame:
    """`frame` with the columns `texts`, each in its place among `columns` (the columns after them kept); as text
    (`str`), or as objects in a frame read from no rows at all (its ids are objects then: `_read`)."""
    out = frame.copy()
    dtype = object if out["id"].dtype == object else TEXT
    for name, values in texts.items():
        out.insert(columns.index(name), name, pd.Series(values, index=out.index, dtype=dtype))
    return out


def open_commitments(engine: Engine, rep_id: int, scope: Scope = OPEN) -> pd.DataFrame:
    """A rep's commitments still open (to review in the next session), oldest first; `acknowledged_date`: when
    the rep acknowledged it (None: not yet). None for a rep outside `scope`."""
    c, s = Commitment, CoachingSession
    stmt = (
        select(c.id, s.date, c.text, c.due_date, c.acknowledged_date)
        .join(s, s.id == c.session_id)
        .where(c.rep_id.in_(scope.keep([rep_id])), c.status == "open")
        .order_by(s.date, c.id)
    )
    frame = _frame(engine, stmt, ["id", "session_date", "text", "due_date", "acknowledged_date"])
    for col in ("session_date", "due_date", "acknowledged_date"):
        frame[col] = frame[col].map(_as_date)
    return frame


def acknowledge(engine: Engine, commitment_id: int, today: dt.date, scope: Scope = OPEN) -> None:
    """The rep acknowledges a commitment agreed with them (their own only: `access.NotAllowed` otherwise,
    nothing changed)."""
    with engine.connect() as conn:
        rep_id = conn.execute(select(Commitment.rep_id).where(Commitment.id == commitment_id)).scalar()
    if rep_id is None:
        raise SessionError([f"Commitment #{commitment_id} no longer exists."])
    require(scope, "acknowledge", rep_id=rep_id)
    with engine.begin() as conn:
        conn.execute(update(Commitment).where(Commitment.id == commitment_id).values(acknowledged_date=today))
        said = f"acknowledged by the rep on {today.isoformat()}"
        audit.record(conn, scope, "commitment change", f"commitment #{commitment_id}", said)
        bump_data_version(conn)


def session_input(engine: Engine, session_id: int) -> SessionInput | None:
    """A stored session as the input that would write it again (for the edit form)."""
    found = sessions_by_id(engine, [session_id])
    if found.empty:
        return None
    row = found.iloc[0]
    own = commitments(engine, row["date"], row["date"], [row["rep_id"]])
    own = own[own["session_id"] == session_id]
    return SessionInput(
        manager_id=int(row["manager_id"]),
        rep_id=int(row["rep_id"]),
        date=row["date"],
        type=row["type"],
        duration_min=int(row["duration_min"]),
        focus_driver=row["focus_driver"],
        focus_text=row["focus_text"],
        scores={d: (None if pd.isna(row[d]) else int(row[d])) for d in RUBRIC},
        notes=row["notes"],
        commitments=tuple(CommitmentInput(c.text, c.due_date, c.driver, c.status, int(c.id)) for c in own.itertuples()),
    )


def sessions_by_id(engine: Engine, ids) -> pd.DataFrame:
    s = CoachingSession
    stmt = select(*[getattr(s, c) for c in SESSION_COLUMNS]).where(s.id.in_([int(i) for i in ids]))
    frame = _frame(engine, stmt, SESSION_COLUMNS)
    frame["date"] = frame["date"].map(_as_date)
    return frame
