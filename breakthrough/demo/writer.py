"""Writing the generated rows: inserts in chunks, the demo mark, the id sequences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter

from sqlalchemy import Connection, Engine, Table, text

from breakthrough.demo.company import CHUNK, SOURCE
from breakthrough.importing.write import bulk
from breakthrough.importing.write.tables import bulk_insert
from breakthrough.store import models as m


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole demo, on the import's fast connection (`bulk.connection`): on SQLite the
    foreign keys are not checked row by row (every id written is one the generator has just made) and the
    write-ahead log is copied into the file afterwards, not during the commit."""
    with bulk.connection(engine, fast=True) as conn, conn.begin():
        yield conn


Progress = Callable[[str, int, int], None]  # (what is being done, rows written so far, rows expected)


def quiet(what: str, done: int, expected: int) -> None:
    """No progress shown."""


class Written:
    """Rows written so far, told to a `Progress` after each chunk."""

    def __init__(self, progress: Progress, expected: int) -> None:
        self.progress, self.expected, self.done = progress, expected, 0

    def table(self, conn: Connection, name: str, rows: Iterable) -> int:
        """Insert one table's rows (dicts; the activities as `deals.Chunk`s of columns); return how many."""
        if name == "activity":
            return self._activities(conn, rows)
        return insert_rows(conn, m.Base.metadata.tables[name], rows, lambda n: self._tick(name, n))

    def _activities(self, conn: Connection, chunks: Iterable) -> int:
        """Activities as every writer of them writes them (`bulk.ActivityRows`), counted for the rollups."""
        self.activities = bulk.ActivityRows(conn, SOURCE, None)
        count = 0
        for chunk in chunks:
            columns = chunk.columns()
            columns["ts"], columns["day"] = bulk.driver_stamps(conn, chunk.ts)
            self.activities.insert(columns)
            count += len(chunk)
            self._tick("activity", len(chunk))
        return count

    def finish(self) -> None:
        """The activities' rollups, as an import adds them (once the indexes they read are built)."""
        self.activities.finish()

    def _tick(self, name: str, n: int) -> None:
        self.done += n
        self.progress(f"writing {name.replace('_', ' ')}", min(self.done, self.expected), self.expected)


def insert_rows(conn: Connection, table: Table, rows: Iterable[dict], tick: Callable[[int], None]) -> int:
    """Insert rows (dicts with the same keys) in chunks, as plain tuples through the importer's bulk insert,
    calling `tick` with each chunk's size; return how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            count += _insert(conn, table, chunk)
            tick(len(chunk))
            chunk = []
    if chunk:
        count += _insert(conn, table, chunk)
        tick(len(chunk))
    return count


def _insert(conn: Connection, table: Table, chunk: list[dict]) -> int:
    columns = list(chunk[0])
    row = itemgetter(*columns)  # a row's values as a tuple (of one column: the value alone)
    bulk_insert(conn, table, columns, list(map(row, chunk)) if len(columns) > 1 else [(row(r),) for r in chunk])
    return len(chunk)


def mark_demo(conn: Connection) -> None:
    """Setting "demo" = True, so the app says it shows demo data."""
    table = m.Setting.__table__
    conn.execute(table.delete().where(table.c.key == "demo"))
    conn.execute(table.insert().values(key="demo", value=True))


def advance_sequences(conn: Connection, names: list[str]) -> None:
    """On PostgreSQL, move id sequences past the explicit ids written here."""
    if conn.dialect.name != "postgresql":
        return
    for name in names:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )
