"""Writing the generated rows: inserts in chunks, the demo mark, the id sequences."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table, text

from breakthrough.demo.company import CHUNK
from breakthrough.store import models as m


def insert_rows(conn: Connection, table: Table, rows: Iterable[dict]) -> int:
    """Insert rows with Core executemany in chunks; return how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            conn.execute(table.insert(), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        conn.execute(table.insert(), chunk)
    return count + len(chunk)


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
