"""The import step of the benchmark: the Data page's code path, timed."""

from __future__ import annotations


def import_activities(csv_path: str, db_path: str, demo_db: str) -> float:
    """Seconds to import `csv_path` into a fresh database at `db_path` that holds demo_db's people."""
    raise NotImplementedError("the importer (issue #3) is not available yet")
