"""Database tables, as SQLAlchemy 2 typed models.

Raw records (activities, opportunities) carry `(source, external_id)` as their
identity so a re-import updates instead of duplicating. Page figures read the
rollup tables (`activity_daily`), kept up to date by `breakthrough.store.rollups`
inside the same transaction that writes the raw rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Money = Numeric(16, 2, asdecimal=False)
RunningMoney = Numeric(20, 2, asdecimal=False)  # running totals of amounts: room for many deals' sums
WITH_DEAL = text("opportunity_ref IS NOT NULL")  # the rows a partial index on an activity's deal holds

ROLES = ("rep", "manager", "leader")
ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "other")
OPPORTUNITY_STATUSES = ("open", "won", "lost")
SESSION_TYPES = ("one_on_one", "joint_call", "debrief", "pipeline_review", "deal_review", "other")
COMMITMENT_STATUSES = ("open", "done", "missed")
RUBRIC = ("preparation", "diagnosis", "focus", "accountability", "follow_through", "development")


class Base(DeclarativeBase):
    __table__: ClassVar[Table]  # every model names a __tablename__, so declarative makes it a Table


class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="rep")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)  # a leaver's last day (migration 0008)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PersonAlias(Base):
    """A CRM user id (or other identifier) that names a person in one source."""

    __tablename__ = "person_alias"
    __table_args__ = (UniqueConstraint("source", "alias"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    alias: Mapped[str] = mapped_column(String(200))


class PersonEmail(Base):
    """Another e-mail a person signs in with (migration 0009), kept lower-case."""

    __tablename__ = "person_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    tier: Mapped[str | None] = mapped_column(String(40))
    is_target: Mapped[bool] = mapped_column(Boolean, default=False)


class ImportBatch(Base):
    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    source_profile: Mapped[str] = mapped_column(String(80))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="committed")


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_activity_rep_day", "rep_id", "day", "account_id"),  # account: right prospects read the index only
        # a deal's last activity (hygiene); only rows with a deal: a third of them, built three times faster
        Index(
            "ix_activity_deal_day",
            "opportunity_ref",
            "source",
            "day",
            sqlite_where=WITH_DEAL,
            postgresql_where=WITH_DEAL,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(100))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    ts: Mapped[dt.datetime] = mapped_column(DateTime)
    day: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(20))
    raw_type: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(60))
    duration_s: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    opportunity_ref: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class ActivityDaily(Base):
    """Rollup: activity counts per rep, day, type and outcome (kept by `rollups`)."""

    __tablename__ = "activity_daily"
    __table_args__ = (Index("ix_activity_daily_day", "day"),)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(60), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ActivityRepDay(Base):
    """Rollup: per rep and day, the counts the pages need (kept by `rollups` with `activity_daily`)."""

    __tablename__ = "activity_rep_day"
    __table_args__ = (
        Index("ix_activity_rep_day_day", "day"),
        Index("ix_activity_rep_day_cover", "day", "rep_id", "calls", "meetings_held", "emails", "activities"),
    )
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    calls: Mapped[int] = mapped_column(Integer)
    meetings_held: Mapped[int] = mapped_column(Integer)
    emails: Mapped[int] = mapped_column(Integer)
    activities: Mapped[int] = mapped_column(Integer)


class ActivityRunning(Base):
    """Rollup: each rep's activity counts *through* each day (kept by `rollups` with `activity_rep_day`).

    Every rep has a row on every day of the table, so the count over any window [a, b] is two look-ups:
    the total through b minus the total through the last day before a.
    """

    __tablename__ = "activity_running"
    __table_args__ = {"sqlite_with_rowid": False}  # rows stored in key order: a look-up reads one page
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    calls: Mapped[int] = mapped_column(Integer)
    meetings_held: Mapped[int] = mapped_column(Integer)
    emails: Mapped[int] = mapped_column(Integer)
    activities: Mapped[int] = mapped_column(Integer)


class Opportunity(Base):
    __tablename__ = "opportunity"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_opportunity_owner_status_close", "owner_id", "status", "close_date"),
        Index("ix_opportunity_owner_created", "owner_id", "created_date"),
        # covering indexes for the page figures (docs/performance.md): read in close- or created-date order
        Index("ix_opportunity_status_close", "status", "close_date", "owner_id", "currency", "amount", "created_date"),
        # widened in migration 0006: the stage funnel counts deals by created date from the index alone
        Index("ix_opportunity_created_owner", "created_date", "owner_id", "status", "stage", "currency", "amount"),
        # open deals for hygiene and the stage order, read from the index alone (migration 0006)
        Index(
            "ix_opportunity_open_cover",
            "status",
            "created_date",
            "owner_id",
            "stage",
            "probability",
            "close_date",
            "stage_since",
            "source",
            "external_id",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    name: Mapped[str] = mapped_column(String(300))
    created_date: Mapped[dt.date] = mapped_column(Date)
    close_date: Mapped[dt.date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    amount: Mapped[float | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    probability: Mapped[float | None] = mapped_column(Float)
    lead_source: Mapped[str | None] = mapped_column(String(100))
    stage_since: Mapped[dt.date | None] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class OpportunityRunning(Base):
    """Rollup: per owner and currency, deal counts and amounts *through* each day (kept by `rollups`).

    Won, lost and open deals count on their close date, every deal on its created date (`created`, and its
    amount, whatever its status: `created_amount`, the pipeline created).
    Amounts keep their currency: pages convert them with the Settings rates when they read them.
    Every owner and currency has a row on every day of the table, so any window is two look-ups.
    """

    __tablename__ = "opportunity_running"
    __table_args__ = {"sqlite_with_rowid": False}
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    won: Mapped[int] = mapped_column(Integer)
    won_amount: Mapped[float] = mapped_column(RunningMoney)
    lost: Mapped[int] = mapped_column(Integer)
    open: Mapped[int] = mapped_column(Integer)
    open_amount: Mapped[float] = mapped_column(RunningMoney)
    created: Mapped[int] = mapped_column(Integer)
    created_amount: Mapped[float] = mapped_column(RunningMoney, server_default="0")  # 0014_pipeline_created


class WonDealCycles(Base):
    """Rollup: each owner's won deals as two packed arrays, read in one row per owner (kept by `rollups`).

    `close_days`: close dates as days since 1970-01-01; `cycle_days`: whole days from created to closed.
    Both little-endian 32-bit integers, in close-date order (`rollups.pack_cycles` / `unpack_cycles`).
    """

    __tablename__ = "won_deal_cycles"
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)
    close_days: Mapped[bytes] = mapped_column(LargeBinary)
    cycle_days: Mapped[bytes] = mapped_column(LargeBinary)


class OpenStage(Base):
    """Rollup: per stage of the open deals (with an owner or not), how many there are and their probabilities
    summed (a missing one as 0), so the stage order (`records.stage_order`: by mean probability) reads a row per
    stage instead of every open deal (migration 0016_pages; rewritten by `rollups.refresh_opportunity_rollups`)."""

    __tablename__ = "open_stage"
    stage: Mapped[str] = mapped_column(String(100), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)
    probability: Mapped[float] = mapped_column(Float)


class StageCohort(Base):
    """Rollup: each owner's deals by created day, as packed arrays in one row per owner (kept by `cohort`,
    migration 0015), so the Pipeline page's stage funnel reads one row per owner instead of every deal created
    in the look-back.

    `keys`: JSON list of [currency, status, stage, [stages its history records]] — what decides how far a
    deal got once the stage order is known (`cohort.reached`); `key`, `days`: per entry, the index into `keys`
    and the created day (days since 1970-01-01), little-endian 32-bit integers, ordered by key and day;
    `deals`, `priced`: deals, and those with an amount (32-bit); `cents`: their amounts summed in cents
    (64-bit integers, exact).
    """

    __tablename__ = "stage_cohort"
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    keys: Mapped[str] = mapped_column(Text)
    key: Mapped[bytes] = mapped_column(LargeBinary)
    days: Mapped[bytes] = mapped_column(LargeBinary)
    deals: Mapped[bytes] = mapped_column(LargeBinary)
    priced: Mapped[bytes] = mapped_column(LargeBinary)
    cents: Mapped[bytes] = mapped_column(LargeBinary)


class OpenDealPack(Base):
    """Rollup: each owner's open deals as packed arrays in one row per owner (kept by `open_pack`, migration
    0015), with what pipeline hygiene needs: the Pipeline page reads one row per owner instead of every open deal.

    `ids`: opportunity ids (little-endian 64-bit), ascending; `refs`, `stages`: JSON lists of the deals' CRM
    ids and of the stage names `stage` indexes; `stage`, `created`, `close`, `since`, `last`: per deal, its
    stage's index, created date, close date, in stage since and last activity day (`deal_activity`), days since
    1970-01-01 as little-endian 32-bit integers (`open_pack.MISSING` for none). `history_deal`, `history_at`,
    `history_close`: the deals' close-date history, oldest change first per deal — the index of the deal in
    `ids` (32-bit), when it changed (microseconds since 1970, 64-bit) and the close date before it (32-bit days).
    """

    __tablename__ = "open_deal_pack"
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    ids: Mapped[bytes] = mapped_column(LargeBinary)
    refs: Mapped[str] = mapped_column(Text)
    stages: Mapped[str] = mapped_column(Text)
    stage: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[bytes] = mapped_column(LargeBinary)
    close: Mapped[bytes] = mapped_column(LargeBinary)
    since: Mapped[bytes] = mapped_column(LargeBinary)
    last: Mapped[bytes] = mapped_column(LargeBinary)
    history_deal: Mapped[bytes] = mapped_column(LargeBinary)
    history_at: Mapped[bytes] = mapped_column(LargeBinary)
    history_close: Mapped[bytes] = mapped_column(LargeBinary)


class DealActivity(Base):
    """Rollup: per open deal with activity, its last activity day and how many activities (kept by `rollups`).

    Keyed like `activity.opportunity_ref` and `activity.source` (the deal's CRM id and source); hygiene
    reads each open deal's last activity here instead of seeking it among the raw rows.
    """

    __tablename__ = "deal_activity"
    __table_args__ = {"sqlite_with_rowid": False}
    opportunity_ref: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_day: Mapped[dt.date] = mapped_column(Date)
    activities: Mapped[int] = mapped_column(Integer)


class RunningPacked(Base):
    """Rollup: each key of a running-totals table (`activity_running`, `opportunity_running`) as one row of
    packed arrays (kept by `rollups.refresh_running`, migration 0013), so a page that needs every rep's totals
    through every day reads one row per rep instead of one per rep and day.

    `days`: the table's days as days since 1970-01-01 (little-endian 32-bit integers, ascending);
    `totals`: the table's values on those days, little-endian 64-bit floats, one row per day, one column per
    value in the table's order (`rollups.Running.values`). `currency` is "" for a table without one.
    """

    __tablename__ = "running_packed"
    rollup: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    days: Mapped[bytes] = mapped_column(LargeBinary)
    totals: Mapped[bytes] = mapped_column(LargeBinary)


class MonthRunning(Base):
    """Rollup: each key of a running-totals table (`activity_running`, `opportunity_running`) through the end of
    every month with a table day, packed in one row per key (kept with `running_packed` by
    `rollups.refresh_packed` through `breakthrough.store.month_running`, migration 0016), so the Talent page's
    history month by month or quarter by quarter reads one row per rep.

    `months`: months since January 1970, little-endian 32-bit integers, ascending; `totals`: the key's values on
    the month's last table day, little-endian 64-bit floats, one row per month, one column per value in the
    table's order. `currency` is "" for a table without one.
    """

    __tablename__ = "month_running"
    rollup: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    months: Mapped[bytes] = mapped_column(LargeBinary)
    totals: Mapped[bytes] = mapped_column(LargeBinary)


class TeamRunning(Base):
    """Rollup: each team's running totals, per currency: the sum of the `running_packed` keys of the reps listed in
    `members` (the reps whose team it was when the row was written), packed like `running_packed` (kept by
    `rollups.refresh_packed` through `breakthrough.store.team_running`, migration 0016), so the Talent page's
    coaching effects read one row per team instead of every team-mate's.

    `members`: the reps summed, person ids as little-endian 64-bit integers, ascending; `days`, `totals`: as
    `running_packed`'s, over every day any member has a row.
    """

    __tablename__ = "team_running"
    rollup: Mapped[str] = mapped_column(String(40), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    members: Mapped[bytes] = mapped_column(LargeBinary)
    days: Mapped[bytes] = mapped_column(LargeBinary)
    totals: Mapped[bytes] = mapped_column(LargeBinary)


class TargetActivityDay(Base):
    """Rollup: per rep and day, activities logged against an account and those on a target account.

    An account is a target when flagged or in a target tier (`rollups.is_target_account`); a change of
    flag or tier recounts the reps with activity on that account (right prospects, docs/diagnosis.md#right-prospects).
    """

    __tablename__ = "target_activity_day"
    __table_args__ = {"sqlite_with_rowid": False}
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    with_account: Mapped[int] = mapped_column(Integer)
    on_target: Mapped[int] = mapped_column(Integer)


class TargetRunning(Base):
    """Rollup: each rep's `target_activity_day` counts *through* each day (kept by `rollups` with it).

    Every rep with such activity has a row on every day of the table, so right prospects over any window [a, b]
    are two look-ups per rep (as `activity_running`): the counts through b minus those through the day before a.
    """

    __tablename__ = "target_running"
    __table_args__ = {"sqlite_with_rowid": False}  # rows stored in key order: a look-up reads one page
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    with_account: Mapped[int] = mapped_column(Integer)
    on_target: Mapped[int] = mapped_column(Integer)


class OpportunityHistory(Base):
    """What an opportunity looked like before an import changed it."""

    __tablename__ = "opportunity_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    stage: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float | None] = mapped_column(Money)
    close_date: Mapped[dt.date | None] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class StageMap(Base):
    __tablename__ = "stage_map"
    __table_args__ = (UniqueConstraint("source", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))


class Quota(Base):
    """A person's (or a team's) quota for a month, or for a quarter when `period` is 'quarter'."""

    __tablename__ = "quota"
    __table_args__ = (
        UniqueConstraint("person_id", "team_id", "period", "period_start"),
        Index("ix_quota_start", "period_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    period: Mapped[str] = mapped_column(String(10), default="month")
    period_start: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class CoachingSession(Base):
    __tablename__ = "coaching_session"
    __table_args__ = (
        Index("ix_session_manager_date", "manager_id", "date"),
        Index("ix_session_identity", "source", "external_id", unique=True),  # imported sessions (migration 0008)
        # a rep's sessions by date with what the Talent page counts, read from the index alone (migration 0017)
        Index("ix_session_rep_date", "rep_id", "date", "type", "focus_driver", "manager_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str | None] = mapped_column(String(40))  # set on imported sessions only
    external_id: Mapped[str | None] = mapped_column(String(100))  # the file's row id, else a digest of the row
    manager_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(20))
    duration_min: Mapped[int] = mapped_column(Integer, default=30)
    focus_driver: Mapped[str | None] = mapped_column(String(40))
    focus_text: Mapped[str | None] = mapped_column(Text)
    preparation: Mapped[int | None] = mapped_column(Integer)
    diagnosis: Mapped[int | None] = mapped_column(Integer)
    focus: Mapped[int | None] = mapped_column(Integer)
    accountability: Mapped[int | None] = mapped_column(Integer)
    follow_through: Mapped[int | None] = mapped_column(Integer)
    development: Mapped[int | None] = mapped_column(Integer)
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (
        # a rep's commitments with their session and what their status on a day needs, from the index (0017)
        Index("ix_commitment_rep_session", "rep_id", "session_id", "status", "due_date", "reviewed_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_session.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    driver: Mapped[str | None] = mapped_column(String(40))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    reviewed_session_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_session.id"))
    reviewed_date: Mapped[dt.date | None] = mapped_column(Date)
    acknowledged_date: Mapped[dt.date | None] = mapped_column(Date)  # the rep acknowledged it (migration 0009)


class Setting(Base):
    """One setting (docs/settings.md) as a JSON value; see `breakthrough.settings`."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)  # any JSON value


class ImportChange(Base):
    """What an import did to one row, so its batch can be undone exactly.

    Rows of tables stamped with `batch_id` (activity, opportunity, quota,
    coaching_session, opportunity_history) that a batch *inserted* are found by
    their `batch_id`; only their updates are recorded here, with the previous
    values and the batch that wrote them before. Rows of the other tables
    (person, person_alias, team, account, stage_map) are recorded for inserts too.
    """

    __tablename__ = "import_change"
    __table_args__ = (Index("ix_import_change_row", "table_name", "row_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # "insert" or "update"
    previous_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
    previous: Mapped[dict | None] = mapped_column(JSON)


class ImportSummary(Base):
    """What a batch did, beyond `import_batch`'s counts: inserted, updated, unchanged, and when it was undone."""

    __tablename__ = "import_summary"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    people_created: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    detail: Mapped[object | None] = mapped_column(JSON)


class AuditEntry(Base):
    """One write, recorded in the write's own transaction (`breakthrough.store.audit`; migration 0010).

    Who: the signed-in person's id and e-mail (both empty in open mode, with no sign-in); no foreign key, so
    the log outlives the people it names (removing the demo deletes them). What: the action, the object
    written and a short summary in words; `before`/`after` hold the changed settings' values.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_action", "action"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, without a time zone (SQLite keeps none)
    person_id: Mapped[int | None] = mapped_column(Integer)
    email: Mapped[str | None] = mapped_column(String(320))
    via: Mapped[str] = mapped_column(String(20), default="app")  # "app" or "command line"
    action: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)


class DigestSent(Base):
    """A weekly digest sent (`breakthrough.digest`; migration 0012_week): to whom, for which ISO week, when (UTC).

    One row per recipient and week, so a second run for the week sends nothing unless asked to (`--resend`)."""

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("week", "email", name="uq_digest_sent_week_email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))  # 2026-W48
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(20))  # "manager" | "leader"
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, without a time zone
