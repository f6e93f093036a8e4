"""Secondary indexes set aside while a big load writes a table, and built once at the end.

Keeping an index up to date row by row costs more than building it once from the finished table,
whenever the rows land all over the index (a day index fed rows in time order of many reps). Both
writers of big loads use this: the activity import's first load (`importing/write/bulk.py`) and the
demo generator. Dropped and built inside the caller's transaction, so a rollback puts them back.
"""

from __future__ import annotations

from sqlalchemy import Connection, Index, Table
from sqlalchemy.schema import CreateIndex, DropIndex

SORT_THREADS = 2  # SQLite sorter threads while the indexes are built


def scattered(table: Table, keep: frozenset[str] = frozenset()) -> list[Index]:
    """`table`'s indexes, but those named in `keep` (ones that only grow at their end cost next to nothing to
    keep up to date), in name order."""
    return sorted((i for i in table.indexes if i.name not in keep), key=lambda i: str(i.name))


def drop(conn: Connection, indexes: list[Index]) -> None:
    for index in indexes:
        conn.execute(DropIndex(index))


def build(conn: Connection, indexes: list[Index]) -> None:
    """The indexes built again; on SQLite its sorter uses a helper thread (a quarter faster on two cores, no
    more memory), and the connection goes back to one thread afterwards."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql(f"PRAGMA threads={SORT_THREADS}")
    try:
        for index in indexes:
            conn.execute(CreateIndex(index))
    finally:
        if sqlite:
            conn.exec_driver_sql("PRAGMA threads=0")
