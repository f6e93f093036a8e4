"""The floor page's parameters and fixed data (bench/floor/app.py)."""

from __future__ import annotations

import pandas as pd

MAX_ELEMENTS = 50  # a link asking for more charts or tables than this draws this many


def counts(charts: str | None, tables: str | None) -> tuple[int, int]:
    """The numbers of charts and tables asked in the page's query parameters: missing or not a number is 0."""

    def one(raw: str | None) -> int:
        return min(int(raw), MAX_ELEMENTS) if raw and raw.isdigit() else 0

    return one(charts), one(tables)


def table_rows(seed: int, rows: int = 24) -> pd.DataFrame:
    """A rep table's shape: a name, a team and five figures a row, the same for the same `seed`."""
    return pd.DataFrame(
        {
            "Rep": [f"Rep {r + 1}" for r in range(rows)],
            "Team": [f"Team {r % 4 + 1}" for r in range(rows)],
            **{f"Figure {c + 1}": [(r * 13 + c * 7 + seed) % 97 for r in range(rows)] for c in range(5)},
        }
    )
