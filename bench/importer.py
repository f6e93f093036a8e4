"""The import step of the benchmark: the Data page's code path, timed.

The target database is migrated fresh and gets the demo's teams, people and
person aliases first, so the export's owners match; then the activity CSV goes
through `breakthrough.importing.upload.import_file` — the page's detect → survey →
commit path without the page (one transaction, rollups refreshed inside it). The time
stops when `import_file` returns, as the page's does; the SQLite checkpoint that follows
on a helper thread is timed on its own.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import insert, select

from breakthrough.demo.writer import advance_sequences
from breakthrough.store import models as m
from breakthrough.store.db import make_engine, migrate, wait_for_checkpoints

COPIED = (m.Team, m.Person, m.PersonAlias)  # parents before children


def import_activities(csv_path: str, db_path: str, demo_db: str) -> tuple[float, float]:
    """Seconds to import `csv_path` into a fresh database at `db_path` (a SQLite file or a PostgreSQL URL) that
    holds demo_db's people, and
    seconds more until the helper thread has copied SQLite's log into the database file (`db.checkpoint_later`)."""
    from bench.databases import database_url, fresh_database
    from breakthrough.importing.upload import import_file
    from breakthrough.importing.write import commit  # noqa: F401  (loaded already in the app, as the page imports it)

    fresh_database(db_path)  # a SQLite file removed, or a PostgreSQL database made again (bench/pg.py)
    engine = make_engine(database_url(db_path))
    migrate(engine)
    copy_people(make_engine(database_url(demo_db)), engine)
    os.sync()  # the disk settled first: the previous step's writes are not this one's to pay for
    start = time.perf_counter()
    outcome = import_file(engine, csv_path)
    seconds = time.perf_counter() - start
    wait_for_checkpoints()
    checkpoint = time.perf_counter() - start - seconds
    if not outcome.inserted:
        raise RuntimeError(f"the import wrote no activities: {outcome}")
    return seconds, checkpoint


def copy_people(source, target) -> None:
    """Copy teams, people and aliases (ids kept) from `source` into `target` in one transaction."""
    with source.connect() as src, target.begin() as dst:
        for model in COPIED:
            rows = [dict(r._mapping) for r in src.execute(select(model.__table__))]
            if rows:
                dst.execute(insert(model.__table__), _parents_first(model, rows))
        advance_sequences(dst, [model.__tablename__ for model in COPIED])  # PostgreSQL: new ids after the copied


def _parents_first(model, rows: list[dict]) -> list[dict]:
    """Teams and people ordered so a parent or manager is inserted before whoever points at it."""
    parent = {m.Team: "parent_id", m.Person: "manager_id"}.get(model)
    if parent is None:
        return rows
    done: set = set()
    ordered: list[dict] = []
    while len(ordered) < len(rows):
        ready = [r for r in rows if r["id"] not in done and (r[parent] is None or r[parent] in done)]
        if not ready:  # a cycle: keep the rest as they are
            ready = [r for r in rows if r["id"] not in done]
        ordered += ready
        done.update(r["id"] for r in ready)
    return ordered
