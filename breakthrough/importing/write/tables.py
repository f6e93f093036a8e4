"""Writers per entity: insert new records, update changed ones keeping their previous values, log for undo.

Activities and opportunities are found by (source, external_id) with one IN query
per chunk; new opportunities are inserted with one driver-level executemany (`bulk_insert`),
new activities by `bulk.ActivityRows`, which both import paths share, as they share its
rollup counts; quotas,
coaching sessions, people and accounts by their natural keys. Rows a batch updates
have their previous values logged in `import_change`; rows of tables without
`batch_id` that it inserts are logged too, so `undo` can take the batch back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Connection, Table, bindparam, insert, select, update

from breakthrough.importing.map.people import ANY_SOURCE, Directory, name_key
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.map.validation import Builder, written_columns
from breakthrough.importing.read.reading import CHUNK_ROWS
from breakthrough.importing.write.bulk import COUNTED, INSERTED, ActivityRows, bind_processor, driver_stamps
from breakthrough.importing.write.outcome import Batch, Outcome
from breakthrough.store import models as m
from breakthrough.store.queries import as_date as _as_date
from breakthrough.store.rollups import refresh_deal_activity, refresh_opportunity_rollups, refresh_target_accounts

IN_BATCH = 5_000  # keys per IN query (SQLite allows 32,766 parameters)
STAMPED = ("activity", "opportunity", "quota", "coaching_session", "opportunity_history")


class Changes:
    """Collects what a batch inserted (outside stamped tables) and the previous values of what it updated."""

    def __init__(self, conn: Connection, batch: Batch | None) -> None:
        self.conn, self.batch = conn, batch
        self.rows: list[dict] = []

    def inserted(self, table: str, ids: Iterable[int]) -> None:
        if self.batch is not None:
            self.rows += [
                {
                    "batch_id": self.batch.id,
                    "table_name": table,
                    "row_id": i,
                    "action": "insert",
                    "previous_batch_id": None,
                    "previous": None,
                }
                for i in ids
            ]
            self._maybe_flush()

    def updated(self, table: str, rows: Iterable[tuple[int, dict, int | None]]) -> None:
        if self.batch is not None:
            self.rows += [
                {
                    "batch_id": self.batch.id,
                    "table_name": table,
                    "row_id": i,
                    "action": "update",
                    "previous_batch_id": prev_batch,
                    "previous": _jsonable(previous),
                }
                for i, previous, prev_batch in rows
            ]
            self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.conn.execute(insert(m.ImportChange), self.rows)
            self.rows = []


def _jsonable(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for k, v in values.items()}


def _from_json(table: Table, values: dict) -> dict:
    """Previous values as stored in `import_change`, back in their column types."""
    out = {}
    for key, value in values.items():
        kind = table.c[key].type
        if value is not None and isinstance(kind, m.DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, m.Date):
            value = dt.date.fromisoformat(value)
        out[key] = value
    return out


# ----------------------------------------------------------------------------- lookups: accounts and teams


class Lookups:
    """Accounts and teams by name, created when new (placeholders in a preview)."""

    def __init__(self, conn: Connection, changes: Changes) -> None:
        self.conn, self.changes = conn, changes
        accounts = conn.execute(select(m.Account.id, m.Account.name)).all()
        self.accounts = {name.lower(): i for i, name in accounts}
        self.teams = {name.lower(): i for i, name in conn.execute(select(m.Team.id, m.Team.name))}
        self.created = 0
        self._placeholder = 0

    def account_ids(self, names: set[str]) -> dict[str, int]:
        """Name → account id for every name, inserting the new ones in one statement."""
        new = sorted({n for n in names if n.lower() not in self.accounts}, key=str.lower)
        new = list({n.lower(): n for n in new}.values())
        if new:
            self.created += len(new)
            if self.changes.batch is None:
                for name in new:
                    self._placeholder -= 1
                    self.accounts[name.lower()] = self._placeholder
            else:
                self.conn.execute(insert(m.Account), [{"name": n, "is_target": False} for n in new])
                rows = self._select_accounts(new)
                self.accounts.update({name.lower(): i for i, name in rows})
                self.changes.inserted("account", [i for i, _ in rows])
        return {n: self.accounts[n.lower()] for n in names}

    def _select_accounts(self, names: list[str]) -> list[tuple[int, str]]:
        rows: list[tuple[int, str]] = []
        for part in _parts(names):
            rows += self.conn.execute(select(m.Account.id, m.Account.name).where(m.Account.name.in_(part))).all()
        return rows

    def team_id(self, name: str) -> int:
        if name.lower() not in self.teams:
            if self.changes.batch is None:
                self._placeholder -= 1
                self.teams[name.lower()] = self._placeholder
            else:
                new_id = self.conn.execute(insert(m.Team).values(name=name).returning(m.Team.id)).scalar_one()
                self.teams[name.lower()] = new_id
                self.changes.inserted("team", [new_id])
        return self.teams[name.lower()]


def _parts(items: list, size: int = IN_BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ----------------------------------------------------------------------------- writers per entity


class Run(Protocol):
    """What a table's writer reads of the pass over an upload (`commit.Run`)."""

    conn: Connection
    plan: Plan
    batch: Batch | None  # None: a preview, which writes nothing
    builder: Builder
    directory: Directory
    changes: Changes
    lookups: Lookups
    outcome: Outcome

    def placeholder_id(self) -> int: ...  # the id a preview gives a person it would add


class Writer:
    """Insert new records, update changed ones (keeping their previous values), count the unchanged."""

    table: Table
    key_column = "CRM id"

    def __init__(self, run: Run) -> None:
        self.run, self.conn, self.plan = run, run.conn, run.plan
        self.columns = sorted(written_columns(run.plan))
        self.dry = run.batch is None

    @property
    def batch(self) -> Batch:
        """The batch being written (only asked for when writing: a dry run has none)."""
        assert self.run.batch is not None, "a dry run writes nothing"
        return self.run.batch

    def identity(self, record: dict) -> object:
        """The key an existing row is found by (after `prepare`)."""
        raise NotImplementedError

    def file_key(self, record: dict) -> object:
        """The key two rows of one file are duplicates by (before `prepare`)."""
        return self.identity(record)

    def key_header(self, record: dict) -> str:
        """The column(s) a duplicate is recognised by, for the rejected-rows list."""
        return self.key_column

    def shown_key(self, record: dict) -> object:
        return self.file_key(record)

    def duplicate_reason(self, record: dict, first_line: int) -> str:
        """Why a row repeating an earlier row's key is rejected."""
        return f"duplicate of line {first_line} (the same record twice in the file)"

    def existing(self, records: list[dict]) -> dict[Any, dict]:  # identity -> the stored row
        raise NotImplementedError

    def prepare(self, records: list[dict]) -> None:
        """Resolve names to ids (accounts, teams) before comparing."""
        if any(r.get("_account") for r in records):
            ids = self.run.lookups.account_ids({r["_account"] for r in records if r.get("_account")})
            for r in records:
                r["account_id"] = ids.get(r["_account"]) if r.get("_account") else None

    def write(self, records: list[dict]) -> None:
        self.prepare(records)
        found = self.existing(records)
        inserts, updates = [], []
        for record in records:
            old = found.get(self.identity(record))
            if old is None:
                inserts.append(record)
            elif any(not _same(old[c], record.get(c)) for c in self.columns):
                updates.append((old, record))
        out = self.run.outcome
        out.inserted, out.updated = out.inserted + len(inserts), out.updated + len(updates)
        out.unchanged += len(records) - len(inserts) - len(updates)
        if not self.dry:
            self.insert(inserts)
            self.update(updates)
        self.touched(inserts, updates)

    def row(self, record: dict) -> dict:
        values = {k: v for k, v in record.items() if not k.startswith("_")}
        if self.table.name in STAMPED:
            values["batch_id"] = self.batch.id
        return values

    def insert(self, records: list[dict]) -> None:
        if records:
            columns = [k for k in records[0] if not k.startswith("_")]
            rows = [tuple(r[c] for c in columns) for r in records]
            if self.table.name in STAMPED:
                columns.append("batch_id")
                rows = [(*row, self.batch.id) for row in rows]
            bulk_insert(self.conn, self.table, columns, rows)

    def update(self, pairs: list[tuple[dict, dict]]) -> None:
        if not pairs:
            return
        cols = self.update_columns()
        stamped = self.table.name in STAMPED
        values: dict = {c: bindparam(f"v_{c}") for c in cols}
        values |= {"batch_id": bindparam("v_batch_id")} if stamped else {}
        stmt = update(self.table).where(self.table.c.id == bindparam("row_id")).values(values)
        params = []
        for old, new in pairs:
            row = {f"v_{c}": self.new_value(c, old, new) for c in cols} | {"row_id": old["id"]}
            if stamped:
                row["v_batch_id"] = self.batch.id
            params.append(row)
        self.conn.execute(stmt, params)
        self.run.changes.updated(
            self.table.name, [(old["id"], {c: old[c] for c in cols}, old.get("batch_id")) for old, _ in pairs]
        )
        self.after_update(pairs)

    def update_columns(self) -> list[str]:
        return self.columns

    def new_value(self, column: str, old: dict, new: dict) -> object:
        return new.get(column)

    def after_update(self, pairs: list[tuple[dict, dict]]) -> None:
        pass

    def touched(self, inserts: list[dict], updates: list[tuple[dict, dict]]) -> None:
        pass

    def finish(self) -> None:
        pass

    def select_columns(self) -> list:
        names = {"id", *self.columns} | ({"batch_id"} if self.table.name in STAMPED else set())
        return [self.table.c[n] for n in sorted(names)]


def bulk_insert(conn: Connection, table: Table, columns: list[str], rows: list[tuple]) -> None:
    """One executemany of plain tuples through the driver: the hot path of big imports.

    The statement is built from our own table and column names (never from data); each
    value goes through its column type's bind processor, as `conn.execute(insert(...))`
    would do, but once per column instead of per row and parameter dict.
    """
    dialect = conn.dialect
    processors = [bind_processor(table.c[c].type, dialect) for c in columns]
    if any(processors):
        cols = [list(col) for col in zip(*rows)]
        for i, process in enumerate(processors):
            if process is not None:
                cols[i] = [None if v is None else process(v) for v in cols[i]]
        rows = list(zip(*cols))
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    conn.exec_driver_sql(sql, rows)


def _same(a: Any, b: Any) -> bool:  # a stored value and a file's, of any column type
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 0.005 or (a is None and b is None)
    if isinstance(a, str) and isinstance(b, (dt.date, dt.datetime)):
        a = type(b).fromisoformat(a)
    return a == b


class KeyedWriter(Writer):
    """Tables identified by (source, external_id): activities and opportunities."""

    def identity(self, record: dict) -> str:
        return record["external_id"]

    def key_header(self, record: dict) -> str:
        if record["external_id"].startswith("k:"):
            header = self.run.builder.columns.header
            return " + ".join(header[k] for k in ("name", "account", "created_date") if k in header)
        return self.run.builder.columns.header.get("crm_id", self.key_column)

    def shown_key(self, record: dict) -> object:
        if record["external_id"].startswith("k:"):
            return (record.get("name"), record.get("_account"), record.get("created_date"))
        return record["external_id"]

    def existing(self, records: list[dict]) -> dict[str, dict]:
        keys = list({r["external_id"] for r in records})
        found = {}
        cols = [*self.select_columns(), self.table.c.external_id]
        for part in _parts(keys):
            stmt = select(*cols).where(self.table.c.source == self.plan.source, self.table.c.external_id.in_(part))
            found.update({row.external_id: row._asdict() for row in self.conn.execute(stmt)})
        return found


class ActivityWriter(KeyedWriter):
    """Activities, from either path (row by row, or `bulk`'s columns): new rows and what every written row
    adds to the rollups go through the one `bulk.ActivityRows`; updates are compared and logged here."""

    table = m.Activity.__table__

    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.rows = ActivityRows(run.conn, run.plan.source, None if run.batch is None else run.batch.id)

    def select_columns(self) -> list:
        """The written columns, and those the rollups count by (an updated row's stored counts are taken away)."""
        names = {c.name for c in super().select_columns()}
        return [*super().select_columns(), *(self.table.c[c] for c in COUNTED if c not in names)]

    def insert(self, records: list[dict]) -> None:
        if records:
            ts, day = driver_stamps(self.conn, np.array([r["ts"] for r in records], dtype=object))
            self.rows.insert({c: [r.get(c) for r in records] for c in INSERTED} | {"ts": ts, "day": day})

    def after_update(self, pairs: list[tuple[dict, dict]]) -> None:
        """Take the stored rows' counts away and add what they are now (a column the file lacks keeps its value)."""
        now = [{c: new.get(c) if c in self.columns else old[c] for c in COUNTED} for old, new in pairs]
        self.rows.count({c: [old[c] for old, _ in pairs] for c in COUNTED}, -1)
        self.rows.count({c: [r[c] for r in now] for c in COUNTED})

    def finish(self) -> None:
        if not self.dry:
            self.rows.finish()


class OpportunityWriter(KeyedWriter):
    table = m.Opportunity.__table__
    HISTORY = ("stage", "amount", "close_date")
    owners: set[Any]  # whose deals the batch wrote (`touched`); ...: an owner not known

    def update_columns(self) -> list[str]:
        return [*self.columns, "stage_since"]

    def new_value(self, column: str, old: dict, new: dict) -> object:
        if column == "stage_since":
            return self.batch.now.date() if old["stage"] != new["stage"] else old["stage_since"]
        return new.get(column)

    def select_columns(self) -> list:
        return [
            *super().select_columns(),
            *(self.table.c[c] for c in ("stage_since", *self.HISTORY) if c not in self.columns),
        ]

    def after_update(self, pairs: list[tuple[dict, dict]]) -> None:
        """Keep the previous stage, amount and close date of deals whose any of them changed."""
        rows = [
            {
                "opportunity_id": old["id"],
                "stage": old["stage"],
                "amount": old["amount"],
                "close_date": old["close_date"],
                "changed_at": self.batch.now,
                "batch_id": self.batch.id,
            }
            for old, new in pairs
            if any(not _same(old[c], new.get(c)) for c in self.HISTORY if c in self.columns)
        ]
        if rows:
            self.conn.execute(insert(m.OpportunityHistory), rows)

    def touched(self, inserts: list[dict], updates: list[tuple[dict, dict]]) -> None:
        """Remember whose deals this batch wrote (an updated deal's owner before and after), for the rollups."""
        rows = [*inserts, *(new for _, new in updates), *(old for old, _ in updates)]
        self.owners = getattr(self, "owners", set()) | {r.get("owner_id", ...) for r in rows}  # ...: not known
        self.refs = getattr(self, "refs", set()) | {r["external_id"] for r in rows if r.get("external_id")}

    def finish(self) -> None:
        """Recount those owners' deal rollups in this transaction (everyone's when an owner was not known),
        and the activity of the deals written (one that opened is counted, one that closed is dropped)."""
        owners: set[Any] = getattr(self, "owners", set()) - {None}
        if not self.dry and owners:
            refresh_opportunity_rollups(self.conn, None if ... in owners else sorted(owners))
        if not self.dry and getattr(self, "refs", None):
            refresh_deal_activity(self.conn, self.refs, source=self.plan.source)


class QuotaWriter(Writer):
    table = m.Quota.__table__
    key_column = "Person or team · period · start"

    def prepare(self, records: list[dict]) -> None:
        for r in records:
            r["team_id"] = self.run.lookups.team_id(r["_team"]) if r.get("_team") else None

    def shown_key(self, record: dict) -> tuple:
        """A duplicate named by the person as the file writes them, never by an internal id."""
        return (record.get("_person") or record.get("_team"), record["period"], record["period_start"])

    def identity(self, record: dict) -> tuple:
        return (record["person_id"], record.get("team_id"), record["period"], record["period_start"])

    def file_key(self, record: dict) -> tuple:
        return (record["person_id"], (record.get("_team") or "").lower(), record["period"], record["period_start"])

    def existing(self, records: list[dict]) -> dict[tuple, dict]:
        starts = sorted({r["period_start"] for r in records})
        stmt = select(
            *self.select_columns(),
            self.table.c.person_id,
            self.table.c.team_id,
            self.table.c.period,
            self.table.c.period_start,
        ).where(self.table.c.period_start.in_(starts))
        rows = [row._asdict() for row in self.conn.execute(stmt)]
        return {(r["person_id"], r["team_id"], r["period"], _as_date(r["period_start"])): r for r in rows}


class SessionWriter(KeyedWriter):
    """Imported coaching sessions, identified by (source, external_id): the file's row id, else a digest of
    the whole row (`validation.session_key`). Two same-day debriefs stay two; only identical rows are one.

    A session imported before sessions had an identity (external_id empty, a batch set) is adopted by the
    first row with its manager, rep, date and type, so re-importing an old file after the upgrade adds
    nothing. Sessions logged in the app (no batch) are never touched.
    """

    table = m.CoachingSession.__table__
    key_column = "Manager · rep · date · type"

    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.columns = sorted({*self.columns, "source", "external_id"})  # an adopted older session gets its identity
        self.adopted: set[int] = set()

    def key_header(self, record: dict) -> str:
        header = self.run.builder.columns.header
        if record["_row_id"]:
            return header["session_id"]
        return "every column"  # only rows identical in every imported field are one session

    def shown_key(self, record: dict) -> object:
        if record["_row_id"]:
            return record["external_id"]
        return (record["_manager"], record["_rep"], record["date"], record["type"])

    def duplicate_reason(self, record: dict, first_line: int) -> str:
        """Names people, the day and the kind of session, never internal ids."""
        same = "the same Session ID as" if record["_row_id"] else "the same session as"
        return (
            f"{same} line {first_line}: {record['_rep']} coached by {record['_manager']} on "
            f"{record['date'].isoformat()}, {record['type'].replace('_', ' ')}"
        )

    def existing(self, records: list[dict]) -> dict[str, dict]:
        keys = list({r["external_id"] for r in records})
        found = {}
        for part in _parts(keys):
            stmt = select(*self.select_columns()).where(
                self.table.c.source == self.plan.source, self.table.c.external_id.in_(part)
            )
            found.update({row.external_id: row._asdict() for row in self.conn.execute(stmt)})
        missing = [r for r in records if r["external_id"] not in found and r["rep_id"] > 0]
        if missing:
            found.update(self._legacy(missing))
        return found

    def _legacy(self, records: list[dict]) -> dict[str, dict]:
        """Sessions imported before 0008 (no identity) that these records are, one record each."""
        reps = sorted({r["rep_id"] for r in records})
        first, last = min(r["date"] for r in records), max(r["date"] for r in records)
        pool: dict[tuple, list[dict]] = {}
        for part in _parts(reps):
            stmt = (
                select(*self.select_columns())
                .where(  # manager, rep, date and type are among them
                    self.table.c.rep_id.in_(part),
                    self.table.c.date.between(first, last),
                    self.table.c.external_id.is_(None),
                    self.table.c.batch_id.is_not(None),
                )
                .order_by(self.table.c.id)
            )
            for row in self.conn.execute(stmt):
                r = row._asdict()
                if r["id"] not in self.adopted:
                    pool.setdefault((r["manager_id"], r["rep_id"], _as_date(r["date"]), r["type"]), []).append(r)
        found = {}
        for record in records:
            candidates = pool.get((record["manager_id"], record["rep_id"], record["date"], record["type"]))
            if candidates:
                old = candidates.pop(0)
                self.adopted.add(old["id"])
                found[record["external_id"]] = old
        return found


class AccountWriter(Writer):
    table = m.Account.__table__
    key_column = "Account"

    def prepare(self, records: list[dict]) -> None:
        pass

    def identity(self, record: dict) -> str:
        return record["name"].lower()

    def existing(self, records: list[dict]) -> dict[str, dict]:
        known = {r["name"].lower(): self.run.lookups.accounts.get(r["name"].lower()) for r in records}
        ids = [i for i in known.values() if i is not None and i > 0]
        found = {}
        for part in _parts(ids):
            for row in self.conn.execute(
                select(*self.select_columns(), self.table.c.name).where(self.table.c.id.in_(part))
            ):
                found[row.name.lower()] = row._asdict()
        return found

    def insert(self, records: list[dict]) -> None:
        if records:
            self.conn.execute(insert(self.table), [self.row(r) for r in records])
            rows = self.run.lookups._select_accounts([r["name"] for r in records])
            self.run.lookups.accounts.update({name.lower(): i for i, name in rows})
            self.run.changes.inserted("account", [i for i, _ in rows])

    def touched(self, inserts: list[dict], updates: list[tuple[dict, dict]]) -> None:
        """Remember the accounts whose flag or tier may have changed (their reps' target activity is recounted)."""
        self.changed = getattr(self, "changed", set()) | {old["id"] for old, _ in updates}

    def finish(self) -> None:
        if not self.dry and getattr(self, "changed", None):
            refresh_target_accounts(self.conn, self.changed)


class PersonWriter(Writer):
    """People: matched by email, then by name; teams created when new; managers linked at the end."""

    table = m.Person.__table__
    key_column = "Name / email"

    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.managers: list[tuple[int, str, int | None]] = []  # (person id, manager cell, previous manager id)
        self.aliases: list[tuple[int, str]] = []

    def prepare(self, records: list[dict]) -> None:
        for r in records:
            r["name_key"] = name_key(r["name"])
            r["team_id"] = self.run.lookups.team_id(r["_team"]) if r.get("_team") else None

    def identity(self, record: dict) -> str:
        return record["email"] or record["name_key"]

    def file_key(self, record: dict) -> str:
        return record["email"] or name_key(record["name"])

    def existing(self, records: list[dict]) -> dict[str, dict]:
        directory = self.run.directory
        ids = {}
        for r in records:
            pid = directory.by_email.get(r["email"]) if r["email"] else None
            candidates = directory.by_key.get(r["name_key"], [])
            pid = pid or (candidates[0] if len(candidates) == 1 else None)
            if pid is not None:
                ids[self.identity(r)] = pid
        rows = {}
        for part in _parts([i for i in ids.values() if i > 0]):
            rows.update(
                {
                    row.id: row._asdict()
                    for row in self.conn.execute(select(*self.select_columns()).where(self.table.c.id.in_(part)))
                }
            )
        return {key: rows[pid] for key, pid in ids.items() if pid in rows}

    def update_columns(self) -> list[str]:
        return [c for c in self.columns if c != "manager_id"]

    def write(self, records: list[dict]) -> None:
        self.prepare(records)
        found = self.existing(records)
        for record in records:
            old = found.get(self.identity(record))
            person_id = old["id"] if old else self._new(record)
            if old and any(not _same(old[c], record.get(c)) for c in self.update_columns()):
                self.run.outcome.updated += 1
                if not self.dry:
                    self.update([(old, record)])
            elif old:
                self.run.outcome.unchanged += 1
            if record.get("_manager"):
                self.managers.append((person_id, record["_manager"], old.get("manager_id") if old else None))
            if record.get("_alias"):
                self.aliases.append((person_id, record["_alias"]))

    def _new(self, record: dict) -> int:
        self.run.outcome.inserted += 1
        directory = self.run.directory
        if self.dry:
            person_id = self.run.placeholder_id()
        else:
            values = {k: v for k, v in record.items() if not k.startswith("_")}
            person_id = self.conn.execute(insert(self.table).values(values).returning(self.table.c.id)).scalar_one()
            self.run.changes.inserted("person", [person_id])
        directory.add(person_id, record["name"], record["email"] or "", record["role"])
        return person_id

    def finish(self) -> None:
        """Link managers (named in this file or the database) and store CRM user ids."""
        for person_id, cell, previous in self.managers:
            match = self.run.directory.match(cell)
            if match.person_id is None:
                self.run.outcome.warnings.append(
                    f"Manager “{cell}” is not a person in the database or the file: left empty."
                )
            elif not self.dry and match.person_id != previous:
                self.conn.execute(
                    update(self.table).where(self.table.c.id == person_id).values(manager_id=match.person_id)
                )
                self.run.changes.updated("person", [(person_id, {"manager_id": previous}, None)])
        self._aliases()

    def _aliases(self) -> None:
        table = m.PersonAlias.__table__
        source = ANY_SOURCE
        existing = {a.lower(): p for a, p in self.conn.execute(select(table.c.alias, table.c.person_id))}
        for person_id, alias in self.aliases:
            owner = existing.get(alias.lower())
            if owner is not None and owner != person_id:
                self.run.outcome.warnings.append(
                    f"CRM user id “{alias}” already belongs to another person: not changed."
                )
            elif owner is None and not self.dry:
                new_id = self.conn.execute(
                    insert(table).values(person_id=person_id, source=source, alias=alias).returning(table.c.id)
                ).scalar_one()
                self.run.changes.inserted("person_alias", [new_id])
                existing[alias.lower()] = person_id


WRITERS: dict[str, type[Writer]] = {
    "activities": ActivityWriter,
    "opportunities": OpportunityWriter,
    "quotas": QuotaWriter,
    "coaching sessions": SessionWriter,
    "accounts": AccountWriter,
    "people": PersonWriter,
}
