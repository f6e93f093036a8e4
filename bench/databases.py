"""What the bench's steps share about their databases: a path or URL as a database URL, an empty one for a
step that writes, and the columns of the activity export the steps write and read."""

from __future__ import annotations

from pathlib import Path

ACTIVITY_COLUMNS = [
    "Activity ID",
    "Assigned",
    "Assigned Email",
    "Date",
    "Type",
    "Outcome",
    "Duration (s)",
    "Subject",
    "Opportunity ID",
]


def database_url(db: str) -> str:
    """A SQLite file path, or a database URL as it is (to time the pages on PostgreSQL)."""
    return db if "://" in db else f"sqlite:///{db}"


def fresh_database(db: str) -> None:
    """An empty database for a step that writes: the SQLite file removed, or the PostgreSQL database made again."""
    from bench import pg

    if "://" in db:
        pg.recreate(db)
    else:
        Path(db).unlink(missing_ok=True)
