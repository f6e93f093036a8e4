"""Writing the generated rows: inserts in chunks, the demo mark, the id sequences."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table, text

from breakthrough.demo.company import CHUNK
from breakthrough.importing.write.tables import bulk_insert
from breakthrough.store import models as m


def insert_rows(conn: Connection, table: Table, rows: Iterable[dict]) -> int:
    """Insert rows (dicts with the same keys) in chunks, as plain tuples through the importer's bulk insert;
    return how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            count += _insert(conn, table, chunk)
            chunk = []
    return count + (_insert(conn, table, chunk) if chunk else 0)


def _insert(conn: Connection, table: Table, chunk: list[dict]) -> int:
    columns = list(chunk[0])
    bulk_insert(conn, table, columns, [tuple(row[c] for c in columns) for row in chunk])
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
