"""Quota sheets kept with one column per month or quarter ("wide"), read as the long rows they stand for.

A spreadsheet quota sheet looks like `Sales Rep, Team, Q1 2025, Q2 2025, …`: one row per
person, one column per period. Its period columns are recognised from the headers
(`headings.read_header`), resolved to periods with the fiscal-year-start setting (`headings.period_columns`,
stored in the plan as `Plan.periods`), and each filled cell becomes one long quota row
(person, period type, period start, amount, currency) between reading and validation
(`reshape`, `long_plan`), so the cells are checked and written by the one quota path.

- A blank cell is "no quota for that period": no row, never 0.
- Quarters are fiscal. A fiscal year is named by the calendar year it ends in (as everywhere
  in Breakthrough): `Q1 2025`, `2025-Q1`, `FY25 Q1`, `FY2025 Q1` and `Q1 FY24/25` all name
  Q1 of FY2025. With the fiscal year starting in April that is 1 Apr 2024 – 30 Jun 2024;
  with a January start, Jan – Mar 2025. Months (`Jan 2025`, `2025-01`) are calendar months.
- A currency in a header (`Q1 2025 (EUR)`) is the currency of that column's cells unless the
  row's currency column says otherwise; a unit in a header (`Q1 2025 ($k)`, `(in thousands)`,
  `(TEUR)`, `(Mio €)`) scales the column's plain numbers (`195` there is 195,000).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from breakthrough.importing.read.cells import with_scale
from breakthrough.metrics import periods

if TYPE_CHECKING:
    from breakthrough.importing.map.plan import Plan
    from breakthrough.importing.read.reading import Reader

WIDE = "wide"
# The columns a long row gets in place of the period columns (never names a sheet would use).
TYPE_HEADER, START_HEADER, AMOUNT_HEADER = "⟨period type⟩", "⟨period start⟩", "⟨amount⟩"
CURRENCY_HEADER, COLUMN_HEADER, CURRENCY_FROM = "⟨currency⟩", "⟨sheet column⟩", "⟨currency column⟩"
CELL_HEADER = "⟨cell as written⟩"
SYNTHETIC = (TYPE_HEADER, START_HEADER, AMOUNT_HEADER, CURRENCY_HEADER)


def example_year(plan: Plan, fy_start_month: int) -> int | None:
    """The fiscal year of the sheet's first quarter column (None without one): the convention's example."""
    for kind, start, *_ in plan.periods.values():
        if kind == "quarter":
            return periods.fiscal_year_of(dt.date.fromisoformat(start), fy_start_month)
    return None


def described(plan: Plan, fy_start_month: int) -> pd.DataFrame:
    """Each period column of a wide plan: the period it is read as, and its first and last day."""
    rows = []
    for header, (kind, start, currency, scale) in plan.periods.items():
        period = periods.period_containing(dt.date.fromisoformat(start), kind, fy_start_month)
        unit = {"k": "thousands", "M": "millions"}.get(scale)
        rows.append((header, kind, period.label, period.start, period.end, currency or None, unit))
    return pd.DataFrame(rows, columns=["Column", "Period type", "Period", "Starts", "Ends", "Currency", "Amounts in"])


def long_rows(records: list[dict], fy_start_month: int) -> pd.DataFrame:
    """The quota rows a wide sheet becomes (as validation built them): person, period type, period, start, amount."""
    rows = []
    for r in records:
        period = periods.period_containing(r["period_start"], r["period"], fy_start_month)
        rows.append((r.get("_person"), r["period"], period.label, r["period_start"], r["amount"], r["currency"]))
    return pd.DataFrame(rows, columns=["Person", "Period type", "Period", "Period start", "Amount", "Currency"])


# ----------------------------------------------------------------------------- reshaping


def long_plan(plan: Plan) -> Plan:
    """The plan validation reads the reshaped rows with (the plan itself for a long file)."""
    if not plan.periods:
        return plan
    mapping = {
        **plan.mapping,
        "period": TYPE_HEADER,
        "period_start": START_HEADER,
        "amount": AMOUNT_HEADER,
        "currency": CURRENCY_HEADER,
    }
    return dataclasses.replace(plan, mapping=mapping, constants={}, periods={})


def reshape(reader: Reader, plan: Plan) -> Reader | WideRows:
    """The reader itself for a long file; for a wide quota sheet, its rows as long rows."""
    return WideRows(reader, plan) if plan.periods else reader


class WideRows:
    """A `Reader` whose rows are the long rows of a wide sheet: one per filled period cell, on the sheet's line.

    A long row keeps the sheet's other columns and adds the period type, period start, the cell
    as written, the currency (the row's currency column, else the header's) and the column's name.
    """

    def __init__(self, reader: Reader, plan: Plan) -> None:
        self.reader, self.stream, self.stats, self.delimiter = reader, reader.stream, reader.stats, reader.delimiter
        self.header_line = reader.header_line
        index = {h: i for i, h in enumerate(reader.headers)}
        self._periods = [
            (index[h], h, kind, start, currency, scale)
            for h, (kind, start, currency, scale) in plan.periods.items()
            if h in index
        ]
        period_at = {i for i, *_ in self._periods}
        self._kept = [i for i in range(len(reader.headers)) if i not in period_at]
        self._currency_header = plan.mapping.get("currency")
        self._currency = index.get(self._currency_header) if self._currency_header else None
        self.headers = [reader.headers[i] for i in self._kept] + [*SYNTHETIC, COLUMN_HEADER, CURRENCY_FROM, CELL_HEADER]

    def chunks(self) -> Iterator:
        from breakthrough.importing.read.reading import Chunk

        for chunk in self.reader.chunks():
            rows, lines = [], []
            for cells, line in zip(chunk.rows, chunk.lines):
                kept = [cells[i] for i in self._kept]
                own = cells[self._currency].strip() if self._currency is not None else ""
                for i, header, kind, start, currency, scale in self._periods:
                    text = cells[i]
                    if text and not text.isspace():
                        rows.append(
                            [
                                *kept,
                                kind,
                                start,
                                with_scale(text, scale) if scale else text,
                                own or currency,
                                header,
                                (self._currency_header or header) if own else header,
                                text,
                            ]
                        )
                        lines.append(line)
            yield Chunk(rows, lines, chunk.problems)
