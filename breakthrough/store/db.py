"""The database: engine from a URL, migrations at start-up, the data version, the demo on a first start.

The app fills an empty database with the demo (`demo.open_app_database`) unless the user chose to start
empty: `BREAKTHROUGH_DEMO=0` in the environment, or the `start_empty` setting, which removing the demo
(`python -m breakthrough demo --remove` or the Data page) records so that a restart respects it. A
database anything was ever imported into is never filled with the demo either.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from breakthrough.store.models import Setting

ROOT = Path(__file__).resolve().parents[2]  # the project folder (this file is breakthrough/store/db.py)
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'breakthrough.db'}"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEMO_ENV = "BREAKTHROUGH_DEMO"  # 0, false, no or off: never fill an empty database with the demo
START_EMPTY = "start_empty"  # setting: the user removed the demo (or chose to start empty)
OFF = {"0", "false", "no", "off"}
START_LOCK = 7_318_402  # PostgreSQL advisory lock key of `start_lock` (any number no other code uses)
WAL_PAGES = 1000  # SQLite's own default: a commit that leaves the log longer copies it into the database file
_checkpoints: list[threading.Thread] = []


def database_url() -> str:
    """`BREAKTHROUGH_DATABASE_URL`, or the embedded SQLite file under data/."""
    return os.environ.get("BREAKTHROUGH_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and enforced foreign keys."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (safe to call at every start)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def data_version(engine: Engine) -> int:
    """A number that changes whenever data is written: cache keys include it."""
    with engine.connect() as conn:
        value = conn.execute(select(Setting.value).where(Setting.key == "data_version")).scalar()
    return int(value or 0)


def bump_data_version(conn) -> int:
    """Increment the data version inside the caller's transaction.

    The row is locked until the caller commits (`FOR UPDATE`; SQLite has one writer at a time anyway), so two
    app servers writing at once get two versions: without it, both could read 5 and write 6, and a server
    that had cached the figures of the first write under 6 would never see the second one's.
    """
    if conn.dialect.name == "postgresql":  # the row made first if missing, so even a new database's first two
        conn.execute(pg_insert(Setting).values(key="data_version", value=0).on_conflict_do_nothing())  # writers queue
    current = conn.execute(select(Setting.value).where(Setting.key == "data_version").with_for_update()).scalar()
    new = int(current or 0) + 1
    if current is None:
        conn.execute(Setting.__table__.insert().values(key="data_version", value=new))
    else:
        conn.execute(Setting.__table__.update().where(Setting.key == "data_version").values(value=new))
    return new


@contextmanager
def start_lock(engine: Engine) -> Iterator[None]:
    """Held while an app server migrates and fills a new database: on PostgreSQL a session advisory lock, so two
    servers started together on one database take turns (the second finds it migrated and filled); SQLite has
    one app server."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": START_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": START_LOCK})
            conn.commit()


def is_empty(engine: Engine) -> bool:
    """True when no person has been loaded yet."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM person")).scalar() == 0


def demo_wanted(engine: Engine) -> bool:
    """Whether an empty database may get the demo: not when `BREAKTHROUGH_DEMO` is off, not once the user
    chose to start empty (the `start_empty` setting), not when anything was ever imported."""
    if os.environ.get(DEMO_ENV, "").strip().lower() in OFF:
        return False
    with engine.connect() as conn:
        chosen = conn.execute(select(Setting.value).where(Setting.key == START_EMPTY)).scalar()
        imported = conn.execute(text("SELECT 1 FROM import_batch")).first()
    return not chosen and imported is None


def choose_start_empty(conn) -> None:
    """Record, inside the caller's transaction, that this database starts empty: no demo on a restart."""
    conn.execute(Setting.__table__.delete().where(Setting.key == START_EMPTY))
    conn.execute(Setting.__table__.insert().values(key=START_EMPTY, value=True))


def checkpoint_later(engine: Engine) -> threading.Thread:
    """Copy SQLite's write-ahead log into the database file on a helper thread.

    A big import commits with automatic checkpoints off (`PRAGMA wal_autocheckpoint=0`), so the
    person importing does not wait while every page it wrote is copied a second time (~1.7 s for
    a million activities). The copy is SQLite's PASSIVE checkpoint: readers and writers carry on
    meanwhile, and the data is already committed and durable in the log either way.
    """
    thread = threading.Thread(target=_checkpoint, args=(engine,), name="breakthrough-checkpoint", daemon=True)
    _checkpoints[:] = [t for t in _checkpoints if t.is_alive()]  # a long-running app keeps only those under way
    _checkpoints.append(thread)
    thread.start()
    return thread


def _checkpoint(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    except exc.DBAPIError:  # the file went away (a test's temporary database): the next commit checkpoints
        pass


def wait_for_checkpoints() -> None:
    """Wait until the checkpoints started by `checkpoint_later` are done (benchmark, tests, shutdown)."""
    while _checkpoints:
        _checkpoints.pop().join()
