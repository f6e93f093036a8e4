"""Preview and commit an upload.

`preview` runs exactly the pass `commit` runs, on a read-only connection, and
writes nothing: its counts are what an import would do. `commit` writes one
upload in ONE transaction: an import batch, every accepted row (inserted, or
updated when it changed), the previous values of what it updated
(`import_change`), opportunity history, the activity rollup for the touched
reps and days, the stage map, and a new data version. Any error rolls all of it
back. Writers per table are in `tables`; taking a batch back is `undo`.

Hot path (activities): rows are parsed in chunks; existing keys are looked up
once per chunk with an IN query; new rows go out in one executemany per chunk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
from sqlalchemy import Connection, Engine, insert, select, update

from breakthrough.access.scope import OPEN, Scope, require
from breakthrough.importing.map import wide
from breakthrough.importing.map.people import Directory, name_key
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.map.profiles import remember, stage_key, stage_map
from breakthrough.importing.map.validation import SKIP, Builder, Reject
from breakthrough.importing.read import columnar
from breakthrough.importing.read.reading import CHUNK_ROWS, FileError, Reader
from breakthrough.importing.write import bulk
from breakthrough.importing.write.outcome import Batch, Outcome
from breakthrough.importing.write.tables import WRITERS, Changes, Lookups
from breakthrough.store import audit
from breakthrough.store import models as m
from breakthrough.store.db import bump_data_version

MAX_EXAMPLES = 200  # accepted records kept to show (a wide quota sheet's long rows)
Progress = Callable[[float, str], None]


# ----------------------------------------------------------------------------- entry points


def preview(
    engine: Engine, source, plan: Plan, progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS
) -> Outcome:
    """What importing `source` under `plan` would do; nothing is written."""
    for fast in _paths(source, plan):
        with engine.connect() as conn:
            try:
                return _run(conn, source, plan, None, progress, chunk_rows, fast)
            except columnar.NotPlain:
                continue
            finally:
                conn.rollback()
    raise AssertionError("the row-by-row path always finishes")


def commit(
    engine: Engine,
    source,
    plan: Plan,
    file_name: str,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    now: dt.datetime | None = None,
    scope: Scope = OPEN,
    via: str = "app",
) -> Outcome:
    """Import `source` in one transaction: every accepted row, or nothing at all — the audit log's entry
    with them (sales ops: `scope` is who imports; `access.NotAllowed` for another role, nothing written).

    A big plain activity export takes the column-wise path (`bulk`); if the file turns out
    not to be plain part-way, that transaction is rolled back and the file is read row by row.
    """
    require(scope, "import")
    now = now or dt.datetime.now().replace(microsecond=0)
    for fast in _paths(source, plan):
        try:
            with bulk.connection(engine, fast) as conn, conn.begin():
                batch_id = _new_batch(conn, file_name, plan, now, "committed")
                outcome = _run(conn, source, plan, Batch(batch_id, now), progress, chunk_rows, fast)
                _finish_batch(conn, batch_id, outcome, plan)
                remember(
                    conn,
                    plan.entity,
                    plan.source,
                    plan.profile,
                    plan.mapping,
                    plan.constants,
                    plan.duration_unit,
                    outcome.headers,
                )
                audit.record(conn, scope, "import", f"{file_name[:250]} (batch #{batch_id})", _said(outcome), via=via)
                bump_data_version(conn)
            return outcome
        except columnar.NotPlain:
            continue
        except Exception:
            raise  # an error: rolled back, and the page says so while the reader is there
        except BaseException:
            # Stopped from outside while writing (the browser tab closed, the page left or rerun: Streamlit
            # raises its StopException or RerunException at the next progress update; Ctrl+C): the transaction
            # is rolled back, and the history says so, since nobody is there to read a message.
            _interrupted(engine, file_name, plan, now, scope, via)
            raise
    raise AssertionError("the row-by-row path always finishes")


INTERRUPTED = "interrupted"  # an import_batch status: stopped while writing, nothing written


def _interrupted(engine: Engine, file_name: str, plan: Plan, now: dt.datetime, scope: Scope, via: str) -> None:
    """An import batch `interrupted` (no rows: nothing was written) and its audit entry, in a transaction of
    their own after the import's was rolled back."""
    with engine.begin() as conn:
        batch_id = _new_batch(conn, file_name, plan, now, INTERRUPTED)
        said = f"{plan.entity} ({plan.profile}): stopped while it was being written; nothing was written"
        audit.record(conn, scope, "import interrupted", f"{file_name[:250]} (batch #{batch_id})", said, via=via)


def _new_batch(conn: Connection, file_name: str, plan: Plan, now: dt.datetime, status: str) -> int:
    """An import batch row for this upload (its counts and digest are filled in when it finishes)."""
    values = dict(file_name=file_name[:500], sha256="", entity=plan.entity, source_profile=plan.profile[:80])
    stmt = insert(m.ImportBatch).values(**values, created_at=now, status=status).returning(m.ImportBatch.id)
    return conn.execute(stmt).scalar_one()


def _said(out: Outcome) -> str:
    """An import in a line, for the audit log."""
    people = f"; {len(out.new_people)} people added" if out.new_people else ""
    return (
        f"{out.entity} ({out.profile}): {out.rows_read} rows read, {out.accepted} accepted "
        f"({out.inserted} new, {out.updated} updated, {out.unchanged} unchanged), {out.rejected} rejected{people}"
    )


def _paths(source, plan: Plan) -> list[bool]:
    """Fast (column-wise) first when the upload suits it, then row by row."""
    return [True, False] if plan.entity == "activities" and columnar.suitable(source) else [False]


def _run(
    conn: Connection,
    source,
    plan: Plan,
    batch: Batch | None,
    progress: Progress | None,
    chunk_rows: int,
    fast: bool = False,
) -> Outcome:
    if fast:
        return _run_columns(conn, source, plan, batch, progress)
    digest = hashlib.sha256()
    stream = _Hashing(_open(source), digest)
    reader = wide.reshape(Reader(stream, chunk_rows), plan)  # type: ignore[arg-type]  # _Hashing reads as a file
    run = Run(conn, wide.long_plan(plan), reader.headers, batch)
    problems = run.builder.problems()
    if problems:
        raise FileError(" ".join(problems))
    size = stream.size()
    for chunk in reader.chunks():
        run.chunk(chunk.rows, chunk.lines, [Reject(p.line, p.column, p.value, p.reason) for p in chunk.problems])
        if progress:
            progress(min(stream.tell() / size, 1.0), f"Checking… {reader.stats.rows:,} rows")
    run.finish()
    out = run.outcome
    out.rejects.sort(key=lambda r: r.line)
    out.rows_read, out.footer_lines, out.blank_lines = (
        reader.stats.rows,
        reader.stats.footer_lines,
        reader.stats.blank_lines,
    )
    out.encoding, out.sha256, out.batch_id = reader.stats.encoding, digest.hexdigest(), batch.id if batch else None
    out.headers = reader.headers
    return out


def _run_columns(conn: Connection, source, plan: Plan, batch: Batch | None, progress: Progress | None) -> Outcome:
    """The column-wise pass over a plain activity export (see `bulk`); raises NotPlain to fall back."""
    reader = Reader(source)
    run = Run(conn, plan, reader.headers, batch)
    problems = run.builder.problems()
    if problems:
        raise FileError(" ".join(problems))
    size = columnar.size_of(source)
    fast = bulk.Bulk(run, reader.headers, columnar.estimated_rows(source))
    rows, digest = 0, hashlib.sha256()
    for part in columnar.batches(source, reader, digest=digest):
        fast.chunk(part)
        rows += len(part)
        if progress:
            progress(min(part.end / size, 1.0), f"Checking… {rows:,} rows")
    fast.finish()
    run.finish()
    out = run.outcome
    out.rejects.sort(key=lambda r: r.line)
    out.rows_read, out.encoding = rows, reader._decoder.encoding or "utf-8"
    out.footer_lines, out.blank_lines = reader.stats.footer_lines, reader.stats.blank_lines  # a report's footer, cut
    out.sha256, out.batch_id = digest.hexdigest(), batch.id if batch else None
    out.headers = reader.headers
    return out


def _finish_batch(conn: Connection, batch_id: int, out: Outcome, plan: Plan) -> None:
    conn.execute(
        update(m.ImportBatch)
        .where(m.ImportBatch.id == batch_id)
        .values(sha256=out.sha256, rows_read=out.rows_read, rows_accepted=out.accepted, rows_rejected=out.rejected)
    )
    conn.execute(
        insert(m.ImportSummary).values(
            batch_id=batch_id,
            source=plan.source,
            inserted=out.inserted,
            updated=out.updated,
            unchanged=out.unchanged,
            skipped=out.skipped,
            people_created=len(out.new_people),
            detail={"plan": plan.to_json(), "duplicates": out.duplicates, "new_accounts": out.new_accounts},
        )
    )


class _Hashing:
    """A binary stream that feeds what is read into a digest, and knows its size."""

    def __init__(self, stream: BinaryIO, digest) -> None:
        self.stream, self.digest = stream, digest

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.digest.update(data)
        return data

    def tell(self) -> int:
        return self.stream.tell()

    def size(self) -> int:
        here = self.stream.tell()
        end = self.stream.seek(0, 2)
        self.stream.seek(here)
        return max(end, 1)


def _open(source) -> BinaryIO:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    return source


# ----------------------------------------------------------------------------- one run


class Run:
    """One pass over an upload: builds records per chunk and hands them to the entity's writer."""

    def __init__(self, conn: Connection, plan: Plan, headers: list[str], batch: Batch | None) -> None:
        self.conn, self.plan, self.batch = conn, plan, batch
        self.outcome = Outcome(plan.entity, plan.source, plan.profile)
        self.directory = Directory(conn, plan.source)
        self.changes = Changes(conn, batch)
        self.stages = stage_map(conn, plan.source)
        self.builder = Builder(plan, headers, self.directory, self._create_person, self.stages)
        self.outcome.unknown_owners = self.builder.unknown  # filled as rows are built, counted as they are held
        self.lookups = Lookups(conn, self.changes)
        self.writer = WRITERS[plan.entity](self)
        self.seen = Occurrences()
        self._examples = wide.COLUMN_HEADER in headers
        self._placeholder = -1  # a preview's new people are −2, −3…: never −1, whose hash is −2's (a false duplicate)

    def chunk(self, rows: list[list[str]], lines: list[int], problems: list[Reject]) -> None:
        out = self.outcome
        records, kept_lines = [], []
        rejected_lines = {p.line for p in problems}
        out.reject(problems)
        for line, record, rejects in self.builder.records(rows, lines):
            if rejects:
                out.reject(rejects)
                rejected_lines.add(line)
            elif record == SKIP:
                out.skipped += 1
            else:
                assert isinstance(record, dict)  # None comes with rejects
                records.append(record)
                kept_lines.append(line)
        records = self._unique(records, kept_lines, rejected_lines)
        if self._examples:
            out.examples.extend(dict(r) for r in records[: MAX_EXAMPLES - len(out.examples)])
        out.rejected += len(rejected_lines)
        out.accepted += len(records)
        if records:
            self.writer.write(records)

    def _unique(self, records: list[dict], lines: list[int], rejected: set[int]) -> list[dict]:
        """Drop rows repeating an earlier row's key (reported), or number content-keyed activities."""
        keys = [self.writer.file_key(r) for r in records]
        numbered = self.plan.entity == "activities"
        occurrence, first = self.seen.number([hash(k) for k in keys], lines)
        kept = []
        for record, n, line, first_line in zip(records, occurrence, lines, first):
            if n > 1 and numbered and record["external_id"].startswith("k:"):
                record["external_id"] = f"{record['external_id']}#{n}"  # identical activities: the 2nd, 3rd…
            elif n > 1:
                self.outcome.reject(
                    [
                        Reject(
                            line,
                            self.writer.key_header(record),
                            _show_key(self.writer.shown_key(record)),
                            self.writer.duplicate_reason(record, first_line),
                        )
                    ]
                )
                self.outcome.duplicates += 1
                rejected.add(line)
                continue
            kept.append(record)
        return kept

    def placeholder_id(self) -> int:
        """The id a preview gives a person it would add: −2, −3…"""
        self._placeholder -= 1
        return self._placeholder

    def _create_person(self, name: str, email: str, role: str) -> int:
        """A person for an unknown owner the plan adds (a placeholder id in a preview)."""
        self.outcome.new_people.append(f"{name} <{email}>" if email and email != name else name)
        if self.batch is None:
            person_id = self.placeholder_id()
        else:
            person_id = self.conn.execute(
                insert(m.Person)
                .values(name=name[:200], name_key=name_key(name)[:200], email=email or None, role=role, active=True)
                .returning(m.Person.id)
            ).scalar_one()
            self.changes.inserted("person", [person_id])
        self.directory.add(person_id, name, email, role)
        return person_id

    def finish(self) -> None:
        self.writer.finish()
        self.outcome.new_accounts = self.lookups.created
        if self.batch is not None:
            self._save_stages()
            self.changes.flush()

    def _save_stages(self) -> None:
        """The stage → status choices made for this upload, kept for the next file from the same source."""
        table = m.StageMap.__table__
        current = {
            stage_key(s): (i, s, st)
            for i, s, st in self.conn.execute(
                select(table.c.id, table.c.stage, table.c.status).where(table.c.source == self.plan.source)
            )
        }
        for stage, status in self.plan.stages.items():
            row = current.get(stage_key(stage))
            if row is None:
                new_id = self.conn.execute(
                    insert(table)
                    .values(source=self.plan.source, stage=stage[:100], status=status)
                    .returning(table.c.id)
                ).scalar_one()
                self.changes.inserted("stage_map", [new_id])
            elif row[2] != status:
                self.changes.updated("stage_map", [(row[0], {"status": row[2]}, None)])
                self.conn.execute(update(table).where(table.c.id == row[0]).values(status=status))


def _show_key(key: object) -> str:
    if isinstance(key, tuple):
        return " · ".join("" if k is None else str(k) for k in key)
    return str(key)


class Occurrences:
    """How many times each key has been seen so far (and on which line first), in 20 bytes a key."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)
        self.counts = np.empty(0, dtype=np.int64)
        self.first = np.empty(0, dtype=np.int64)

    def number(self, hashes, lines) -> tuple[list[int], list[int]]:
        """For each key: its occurrence number in the file (1 = first) and the line it first appeared on."""
        if not len(hashes):
            return [], []
        h = np.array(hashes, dtype=np.int64)
        ln = np.array(lines, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        sh, sl = h[order], ln[order]
        starts = np.r_[True, sh[1:] != sh[:-1]]
        group = np.cumsum(starts) - 1
        heads = np.flatnonzero(starts)
        rank = np.arange(len(sh)) - heads[group]
        pos = np.searchsorted(self.keys, sh)
        found = (
            (pos < len(self.keys)) & (self.keys[np.minimum(pos, max(len(self.keys) - 1, 0))] == sh)
            if len(self.keys)
            else np.zeros(len(sh), dtype=bool)
        )
        prior = np.where(
            found, self.counts[np.minimum(pos, max(len(self.counts) - 1, 0))] if len(self.counts) else 0, 0
        )
        first_line = np.where(
            found, self.first[np.minimum(pos, max(len(self.first) - 1, 0))] if len(self.first) else 0, sl[heads[group]]
        )
        occurrence = np.empty(len(h), dtype=np.int64)
        occurrence[order] = prior + rank + 1
        firsts = np.empty(len(h), dtype=np.int64)
        firsts[order] = first_line
        self._merge(sh[heads], np.diff(np.r_[heads, len(sh)]), sl[heads], pos[heads], found[heads])
        return occurrence.tolist(), firsts.tolist()

    def _merge(self, keys, sizes, lines, pos, found) -> None:
        """Add this chunk's counts; new keys (sorted) go in at their places, keeping the arrays sorted."""
        np.add.at(self.counts, pos[found], sizes[found])
        new = ~found
        at = pos[new]
        self.keys = np.insert(self.keys, at, keys[new])
        self.counts = np.insert(self.counts, at, sizes[new])
        self.first = np.insert(self.first, at, lines[new])
