"""Undo an import batch: restore what it updated, remove what it inserted, in one transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, Table, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from breakthrough.access.scope import OPEN, Scope, require
from breakthrough.importing.write.tables import _as_date, _from_json, _parts
from breakthrough.store import audit
from breakthrough.store import models as m
from breakthrough.store.db import bump_data_version
from breakthrough.store.rollups import (
    refresh_activity_daily,
    refresh_deal_activity,
    refresh_opportunity_rollups,
    refresh_target_accounts,
)


class UndoError(ValueError):
    """A batch that cannot be undone now; the message says why and what to do."""


def undo(engine: Engine, batch_id: int, now: dt.datetime | None = None, scope: Scope = OPEN, via: str = "app") -> str:
    """Restore what batch `batch_id` updated and remove what it inserted, in one transaction, with the audit
    log's entry (sales ops; `access.NotAllowed` for another role, nothing changed)."""
    require(scope, "undo")
    now = now or dt.datetime.now().replace(microsecond=0)
    try:
        with engine.begin() as conn:
            batch = _undoable(conn, batch_id)
            _undo_rows(conn, batch_id)
            conn.execute(update(m.ImportBatch).where(m.ImportBatch.id == batch_id).values(status="undone"))
            conn.execute(update(m.ImportSummary).where(m.ImportSummary.batch_id == batch_id).values(undone_at=now))
            audit.record(
                conn,
                scope,
                "undo",
                f"{batch.file_name[:250]} (batch #{batch_id})",
                f"import of {batch.entity} undone: its {batch.rows_accepted} accepted rows taken back",
                via=via,
            )
            bump_data_version(conn)
    except IntegrityError:
        raise UndoError(
            f"Batch #{batch_id} cannot be undone: records added since (for example coaching sessions "
            "or deals of later imports) refer to people or accounts it created. Undo those first."
        ) from None
    return f"Batch #{batch_id} ({batch.file_name}) was undone."


def _undoable(conn: Connection, batch_id: int):
    batch = conn.execute(select(m.ImportBatch).where(m.ImportBatch.id == batch_id)).first()
    if batch is None:
        raise UndoError(f"There is no import batch #{batch_id}.")
    if batch.status == "interrupted":
        raise UndoError(
            f"Batch #{batch_id} was interrupted while it was being written: nothing of it is there to undo."
        )
    if batch.status != "committed":
        raise UndoError(f"Batch #{batch_id} was already undone.")
    later = _later_batches(conn, batch_id, batch.entity)
    if later:
        names = ", ".join(f"#{b}" for b in later)
        raise UndoError(
            f"Later imports ({names}) hold the same kind of records from the same CRM, or changed "
            f"records batch #{batch_id} wrote: undo {names} first, newest first."
        )
    return batch


def _later_batches(conn: Connection, batch_id: int, entity: str) -> list[int]:
    """Committed later batches that stand on this one: the same kind of data (they may hold the same
    records), or rows this batch wrote that they changed. Undoing this one first would lose their work."""
    mine, theirs, batch = aliased(m.ImportChange), aliased(m.ImportChange), m.ImportBatch
    same_rows = (
        select(theirs.batch_id)
        .join(mine, and_(mine.table_name == theirs.table_name, mine.row_id == theirs.row_id))
        .where(mine.batch_id == batch_id, theirs.batch_id > batch_id)
    )
    stamped = select(theirs.batch_id).where(theirs.previous_batch_id == batch_id)
    source = select(m.ImportSummary.source).where(m.ImportSummary.batch_id == batch_id).scalar_subquery()
    same_entity = (
        select(batch.id)
        .join(m.ImportSummary, m.ImportSummary.batch_id == batch.id)
        .where(batch.entity == entity, batch.id > batch_id, m.ImportSummary.source == source)
    )
    ids = {i for stmt in (same_rows, stamped, same_entity) for i in conn.execute(stmt).scalars()}
    if not ids:
        return []
    live = conn.execute(select(batch.id).where(batch.id.in_(ids), batch.status == "committed")).scalars()
    return sorted(live, reverse=True)


def _undo_rows(conn: Connection, batch_id: int) -> None:
    """Restore updated rows and delete inserted ones: records first, the rollup, then people and accounts."""
    reps, days = _activity_span(conn, batch_id)
    refs = _deal_refs(conn, batch_id)
    conn.execute(m.OpportunityHistory.__table__.delete().where(m.OpportunityHistory.batch_id == batch_id))
    for name in ("activity", "opportunity", "quota", "coaching_session"):
        table = m.Base.metadata.tables[name]
        _restore(conn, table, batch_id)
        conn.execute(table.delete().where(table.c.batch_id == batch_id))
    more_reps, more_days = _activity_span(conn, batch_id)
    if reps | more_reps:
        refresh_activity_daily(conn, sorted(reps | more_reps), min(days + more_days), max(days + more_days))
    refs |= _deal_refs(conn, batch_id)
    if refs:
        refresh_deal_activity(conn, refs)
    refresh_opportunity_rollups(conn)  # every owner: the deals this batch removed are gone already
    for name in ("person_alias", "person", "account", "team", "stage_map"):
        table = m.Base.metadata.tables[name]
        _restore(conn, table, batch_id)
        _delete_inserted(conn, table, batch_id)
    refresh_target_accounts(conn, _changed_ids(conn, batch_id, "account"))  # a flag or tier put back


def _deal_refs(conn: Connection, batch_id: int) -> set[str | None]:
    """Deal references of the activities and CRM ids of the deals the batch stamped (before undo) or
    restored (after)."""
    act, opp = m.Activity, m.Opportunity
    acts = select(act.opportunity_ref).where(
        (act.batch_id == batch_id) | act.id.in_(_changed_rows(batch_id, "activity")), act.opportunity_ref.is_not(None)
    )
    deals = select(opp.external_id).where(
        (opp.batch_id == batch_id) | opp.id.in_(_changed_rows(batch_id, "opportunity"))
    )
    return set(conn.execute(acts.distinct()).scalars()) | set(conn.execute(deals.distinct()).scalars())


def _changed_rows(batch_id: int, table: str):
    return select(m.ImportChange.row_id).where(m.ImportChange.batch_id == batch_id, m.ImportChange.table_name == table)


def _changed_ids(conn: Connection, batch_id: int, table: str) -> list[int]:
    """Rows of `table` the batch updated (now restored)."""
    stmt = _changed_rows(batch_id, table).where(m.ImportChange.action == "update")
    return list(conn.execute(stmt).scalars())


def _activity_span(conn: Connection, batch_id: int) -> tuple[set[int], list[dt.date]]:
    """Reps and first/last day of the activities the batch stamped (before undo) or restored (after)."""
    act = m.Activity
    restored = select(m.ImportChange.row_id).where(
        m.ImportChange.batch_id == batch_id, m.ImportChange.table_name == "activity"
    )
    stmt = (
        select(act.rep_id, func.min(act.day), func.max(act.day))
        .where((act.batch_id == batch_id) | act.id.in_(restored), act.rep_id.is_not(None))
        .group_by(act.rep_id)
    )
    rows = conn.execute(stmt).all()
    return {r[0] for r in rows if r[0] is not None}, [_as_date(d) for r in rows for d in (r[1], r[2])]


def _restore(conn: Connection, table: Table, batch_id: int) -> None:
    change = m.ImportChange
    rows = conn.execute(
        select(change.row_id, change.previous, change.previous_batch_id)
        .where(change.batch_id == batch_id, change.table_name == table.name, change.action == "update")
        .order_by(change.id.desc())
    ).all()
    for row_id, previous, previous_batch in rows:
        values = _from_json(table, previous or {})
        if "batch_id" in table.c:
            values["batch_id"] = previous_batch
        conn.execute(update(table).where(table.c.id == row_id).values(values))


def _delete_inserted(conn: Connection, table: Table, batch_id: int) -> None:
    change = m.ImportChange
    ids = list(
        conn.execute(
            select(change.row_id).where(
                change.batch_id == batch_id, change.table_name == table.name, change.action == "insert"
            )
        ).scalars()
    )
    for part in _parts(ids):
        if table.name == "person":
            conn.execute(update(table).where(table.c.manager_id.in_(part)).values(manager_id=None))
        conn.execute(table.delete().where(table.c.id.in_(part)))
