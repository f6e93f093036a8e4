"""The import batches list, and clearing the demo data before a first real upload."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, delete, func, select

from breakthrough.access.scope import OPEN, Scope, require
from breakthrough.store import audit
from breakthrough.store import models as m
from breakthrough.store.db import bump_data_version, choose_start_empty

COLUMNS = [
    "Batch",
    "Status",
    "When",
    "File",
    "Data",
    "Rows read",
    "Accepted",
    "Rejected",
    "Inserted",
    "Updated",
    "Unchanged",
    "Profile",
]


def batches(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """Import batches, newest first, with what each did."""
    b, s = m.ImportBatch, m.ImportSummary
    stmt = (
        select(
            b.id,
            b.status,
            b.created_at,
            b.file_name,
            b.entity,
            b.rows_read,
            b.rows_accepted,
            b.rows_rejected,
            s.inserted,
            s.updated,
            s.unchanged,
            b.source_profile,
        )
        .outerjoin(s, s.batch_id == b.id)
        .order_by(b.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)


def interrupted_last(engine: Engine) -> tuple[int, str, dt.datetime] | None:
    """(id, file, when) of the newest import batch when it was interrupted while being written (nothing of it
    was written: see `commit.commit`), else None; the Data page says so until a later import."""
    b = m.ImportBatch
    with engine.connect() as conn:
        row = conn.execute(select(b.id, b.file_name, b.created_at, b.status).order_by(b.id.desc()).limit(1)).first()
    return (row.id, row.file_name, row.created_at) if row is not None and row.status == "interrupted" else None


def committed(engine: Engine) -> list[tuple[int, str]]:
    """(id, "#id file (when)") of batches that can still be undone, newest first."""
    b = m.ImportBatch
    with engine.connect() as conn:
        rows = conn.execute(
            select(b.id, b.file_name, b.created_at).where(b.status == "committed").order_by(b.id.desc())
        ).all()
    return [(i, f"#{i} {name} ({when:%d %b %Y %H:%M})") for i, name, when in rows]


def earlier(engine: Engine, sha256: str) -> tuple[int, dt.datetime] | None:
    """(id, when) of the first committed batch of a file with this digest, if any."""
    b = m.ImportBatch
    with engine.connect() as conn:
        row = conn.execute(
            select(b.id, b.created_at).where(b.sha256 == sha256, b.status == "committed").order_by(b.id)
        ).first()
    return (row.id, row.created_at) if row else None


def remove_demo(engine: Engine, scope: Scope = OPEN, via: str = "app") -> None:
    """Delete every record (the demo's) but keep the settings and the audit log, so a first real upload starts
    clean; the database is marked to start empty, so a restart does not bring the demo back. The audit log's
    entry is written in the same transaction. Sales ops only (`access.NotAllowed` otherwise, nothing deleted)."""
    require(scope, "import")
    with engine.begin() as conn:
        people = conn.execute(select(func.count()).select_from(m.Person)).scalar_one()
        for table in reversed(m.Base.metadata.sorted_tables):
            if table.name not in ("setting", m.AuditEntry.__tablename__):
                conn.execute(table.delete())
        conn.execute(delete(m.Setting).where(m.Setting.key == "demo"))
        choose_start_empty(conn)
        said = f"every demo record deleted ({people} people); settings kept; the database starts empty from now on"
        audit.record(conn, scope, "demo remove", "demo data", said, via=via)
        bump_data_version(conn)
