"""Rows of a SQLAlchemy Core statement as the database driver gives them, for reads of many rows.

SQLAlchemy wraps every fetched row in a `Row` and runs the result types' converters on each value;
for the tens of thousands of rows the Coaching page reads (running totals per rep and day, sessions,
commitments) that costs about as much as the database's own work. `fetch` runs the same parameterised
statement and reads the driver's cursor directly: plain tuples, values as the driver returns them (on
SQLite, dates as ISO text — see `as_dates`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from breakthrough.store.queries import as_date


def fetch(engine: Engine, stmt, params: dict | None = None) -> list[tuple]:
    """All rows of `stmt` as plain tuples (one round trip)."""
    with engine.connect() as conn:
        result = conn.execute(stmt, params or {})
        try:
            return result.cursor.fetchall()  # type: ignore[return-value]  # the drivers give a list
        finally:
            result.close()


def by_column(rows: list[tuple], names: list[str]) -> dict[str, list]:
    """The rows column by column (empty lists when there are none)."""
    return dict(zip(names, (list(c) for c in zip(*rows)))) if rows else {n: [] for n in names}


def as_dates(values) -> np.ndarray:
    """`datetime.date` objects (None where missing) from ISO text or dates; each distinct value read once."""
    codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=True)
    days = np.array([as_date(u) for u in uniques] + [None], dtype=object)
    return days[codes]  # code −1 (missing) picks the None at the end
