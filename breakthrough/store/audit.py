"""The audit log (docs/access.md#the-audit-log): every write, who made it, when, what.

Each write function of the domain (an import, an undo, saving the settings, a person added or changed, a
coaching session logged, edited or deleted, a commitment's status, removing the demo) takes an `actor` and
calls `record` on the connection of its own transaction: the entry is written with the change or not at
all — a failed import leaves no entry, and the database exactly as it was.

`actor` is anything with `person_id` and `email` attributes: the writer's `breakthrough.access` Scope;
None (or open mode's Scope, whose fields are None) is open mode — no sign-in, so nobody can be named — shown as "open mode (no sign-in)".
Times are UTC. Entries never hold a coaching note or what a commitment says: whoever may read the log
(sales ops, leaders) may not read those.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from breakthrough.store.models import AuditEntry

OPEN_MODE = "open mode (no sign-in)"
ACTIONS = {  # action → what it is, in words (the Data page's filter and docs/access.md)
    "import": "Import",
    "undo": "Undo of an import",
    "import interrupted": "Import interrupted, nothing written",
    "settings": "Settings saved",
    "person add": "Person added",
    "person edit": "Person changed",
    "session add": "Coaching session logged",
    "session edit": "Coaching session edited",
    "session delete": "Coaching session deleted",
    "commitment change": "Commitment changed",
    "demo remove": "Demo data removed",
}
READERS = ("leader", "sales_ops")  # the roles that see the log (docs/access.md); in open mode, everyone
COLUMNS = ["When (UTC)", "Who", "Action", "Object", "Summary", "Before", "After"]


class Who(Protocol):
    """Whoever writes: the signed-in person's `breakthrough.access` Scope."""

    @property
    def person_id(self) -> int | None: ...

    @property
    def email(self) -> str | None: ...


def now_utc() -> dt.datetime:
    """This moment in UTC, to the second, without a time zone (the column keeps none on SQLite)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def record(
    conn: Connection,
    actor: Who | None,
    action: str,
    obj: str,
    summary: str,
    before: Any = None,
    after: Any = None,
    via: str = "app",
    at: dt.datetime | None = None,
) -> int:
    """Write one entry on `conn` (inside the caller's transaction); its id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: one of {', '.join(ACTIONS)}")
    person_id = getattr(actor, "person_id", None) if actor is not None else None
    email = getattr(actor, "email", None) if actor is not None else None
    values = {
        "at": at or now_utc(),
        "person_id": None if person_id is None else int(person_id),
        "email": None if email is None else str(email)[:320],
        "via": via[:20],
        "action": action,
        "object": obj[:300],
        "summary": summary,
        "before": before,
        "after": after,
    }
    return int(conn.execute(insert(AuditEntry).values(**values).returning(AuditEntry.id)).scalar_one())


def may_read(role: str | None) -> bool:
    """Whether a person of `role` sees the audit log; None is open mode (no sign-in): everyone does."""
    return role is None or role in READERS


def who(person_id: int | None, email: str | None, via: str = "app") -> str:
    """The entry's author in words."""
    if isinstance(email, str) and email:
        return email
    if person_id is not None and not pd.isna(person_id):
        return f"person #{int(person_id)}"
    return "command line (no sign-in)" if via == "command line" else OPEN_MODE


def entries(engine: Engine, since: dt.datetime | None = None, action: str | None = None) -> pd.DataFrame:
    """The log, newest first (from `since`, UTC, and of `action` when given): one row per entry with `id`,
    `at`, `person_id`, `email`, `via`, `action`, `object`, `summary`, `before`, `after`."""
    a = AuditEntry
    stmt = select(a.id, a.at, a.person_id, a.email, a.via, a.action, a.object, a.summary, a.before, a.after)
    if since is not None:
        stmt = stmt.where(a.at >= since)
    if action is not None:
        stmt = stmt.where(a.action == action)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(a.at.desc(), a.id.desc())).all()
    columns = ["id", "at", "person_id", "email", "via", "action", "object", "summary", "before", "after"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def for_people(log: pd.DataFrame) -> pd.DataFrame:
    """`entries` as a table for people: when, who, the action in words, object, summary, before/after as text."""
    import json

    def shown(value: Any) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    return pd.DataFrame(
        {
            "When (UTC)": [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M:%S") for t in log["at"]],
            "Who": [who(p, e, v) for p, e, v in zip(log["person_id"], log["email"], log["via"])],
            "Action": [ACTIONS.get(a, a) for a in log["action"]],
            "Object": list(log["object"]),
            "Summary": list(log["summary"]),
            "Before": [shown(v) for v in log["before"]],
            "After": [shown(v) for v in log["after"]],
        },
        columns=COLUMNS,
    )


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ: (their old values, their new values)."""
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
