"""Deterministic demo data: a fictional sales organisation with planted stories.

`generate(engine, scale, seed, today)` writes teams, people, accounts, activities,
opportunities, quotas and coaching into an empty, migrated database in one
transaction. The same seed and `today` always give the same rows; every figure is
drawn with numpy from one `default_rng(seed)`, reps in a fixed order.

The company ("Northwind") runs on team norms (`Norms`); each rep gets modest noise
around them, and the reps and managers named in `STORIES` deviate strongly so the
app has something real to find (see `stories`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from breakthrough.demo import talent_stories
from breakthrough.demo.accounts import Accounts
from breakthrough.demo.coaching_log import coaching
from breakthrough.demo.company import SCALES, Scale
from breakthrough.demo.days import Frame
from breakthrough.demo.deals import pipeline
from breakthrough.demo.org import Org
from breakthrough.demo.quotas import quotas
from breakthrough.demo.writer import Progress, Written, advance_sequences, mark_demo, quiet, transaction
from breakthrough.settings import FIELDS, Settings
from breakthrough.store import indexes
from breakthrough.store import models as m
from breakthrough.store.db import bump_data_version
from breakthrough.store.rollups import refresh_opportunity_rollups

BIG = ("activity", "opportunity")  # tables whose indexes are built once, after their rows are written


def generate(engine: Engine, scale: str = "S", seed: int = 7, today: dt.date | None = None) -> dict[str, int]:
    """Write the demo into an empty, migrated database in one transaction; return row counts per table."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    with transaction(engine) as conn:
        return write_demo(conn, scale, seed, today or dt.date.today())


def write_demo(conn: Connection, scale: str, seed: int, today: dt.date, progress: Progress = quiet) -> dict[str, int]:
    """Generate and insert everything inside the caller's transaction (under its stored settings), telling
    `progress` how far it is."""
    if conn.execute(select(func.count()).select_from(m.Person)).scalar():
        raise ValueError("the database already holds people: the demo needs an empty database")
    rng = np.random.default_rng(seed)
    progress("drawing the company", 0, 1)
    tables, expected = build(rng, SCALES[scale], today, _settings(conn))
    set_aside = [i for name in BIG for i in indexes.scattered(m.Base.metadata.tables[name])]
    indexes.drop(conn, set_aside)
    written = Written(progress, expected)
    counts = {name: written.table(conn, name, rows) for name, rows in tables.items()}
    progress("building indexes", expected, expected)
    indexes.build(conn, set_aside)  # before the rollups, which read them
    progress("counting the rollups", expected, expected)
    written.finish()  # the activities' rollups
    refresh_opportunity_rollups(conn)
    counts["activity_daily"] = conn.execute(select(func.count()).select_from(m.ActivityDaily)).scalar_one()
    mark_demo(conn)
    advance_sequences(conn, list(tables))
    bump_data_version(conn)
    return counts


def _settings(conn: Connection) -> Settings:
    """The settings stored in the database (defaults for the rest), read on this connection."""
    rows = conn.execute(select(m.Setting.key, m.Setting.value).where(m.Setting.key.in_(FIELDS))).all()
    return Settings(**dict(rows))


def clear(conn: Connection) -> None:
    """Delete every row of every table (children before parents), keeping the data version counting up and
    the audit log (it records what was done to the data, demo or not)."""
    for table in reversed(m.Base.metadata.sorted_tables):
        if table.name == m.AuditEntry.__tablename__:
            continue
        where = table.c.key != "data_version" if table.name == "setting" else None
        conn.execute(table.delete() if where is None else table.delete().where(where))


def build(
    rng: np.random.Generator, scale: Scale, today: dt.date, settings: Settings
) -> tuple[dict[str, Iterable[dict]], int]:
    """All demo rows, by table name, in insert order (rows of the big tables are produced lazily), and about
    how many rows that is (the big tables' before the Talent stories take a few out)."""
    frame = Frame.make(today, settings)
    org = Org.make(rng, scale, frame)
    accounts = Accounts.make(rng, scale.accounts, org)
    opps, acts = pipeline(rng, org, accounts, frame)
    sessions, commitments = coaching(rng, org, frame)
    tables = {
        "team": org.teams,
        "person": org.people,
        "account": accounts.rows(),
        "opportunity": opps.rows(org, accounts),
        "opportunity_history": opps.history(rng, frame),
        "activity": acts.rows(_child(rng), org, accounts, opps, frame),
        "quota": quotas(org, frame),
        "coaching_session": sessions,
        "commitment": commitments,
    }
    expected = opps.n + len(acts.rep) + sum(len(rows) for rows in tables.values() if isinstance(rows, list))
    return talent_stories.plant(tables, org, opps, frame), expected  # after every draw: the rest stays as it was


def _child(rng: np.random.Generator) -> np.random.Generator:
    """An independent stream for rows produced lazily (while inserting), drawn now so order cannot matter."""
    return np.random.default_rng(int(rng.integers(2**62)))
