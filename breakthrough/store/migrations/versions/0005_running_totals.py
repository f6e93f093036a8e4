"""running totals: activity_running, opportunity_running and won_deal_cycles, filled from existing rows

The Overview's figures are windows of dates (the look-back, the last four weeks, the period): with
totals *through* each day, a window is two look-ups instead of a scan (issue #7, docs/performance.md).

Revision ID: 0005_running_totals
Revises: 0004_page_indexes
Create Date: 2026-11-27 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store.rollups import cycle_rows

revision = "0005_running_totals"
down_revision = "0004_page_indexes"
branch_labels = None
depends_on = None

RUNNING_MONEY = sa.Numeric(20, 2, asdecimal=False)

# Every key gets a row on every day of its table: the key × day grid, totals summed up to each day,
# written day by day so that a day's rows lie together on disk.
FILL_ACTIVITY = """
WITH daily AS (SELECT rep_id, day, calls, meetings_held, emails, activities FROM activity_rep_day),
calendar AS (SELECT DISTINCT day FROM daily),
reps AS (SELECT DISTINCT rep_id FROM daily)
INSERT INTO activity_running (day, rep_id, calls, meetings_held, emails, activities)
SELECT c.day, r.rep_id, SUM(COALESCE(d.calls, 0)) OVER w, SUM(COALESCE(d.meetings_held, 0)) OVER w,
       SUM(COALESCE(d.emails, 0)) OVER w, SUM(COALESCE(d.activities, 0)) OVER w
FROM reps r CROSS JOIN calendar c LEFT JOIN daily d ON d.rep_id = r.rep_id AND d.day = c.day
WINDOW w AS (PARTITION BY r.rep_id ORDER BY c.day)
ORDER BY c.day, r.rep_id
"""

FILL_OPPORTUNITY = """
WITH events AS (
  SELECT owner_id, currency, close_date AS day,
         CASE WHEN status = 'won' THEN 1 ELSE 0 END AS won,
         CASE WHEN status = 'won' THEN COALESCE(amount, 0) ELSE 0 END AS won_amount,
         CASE WHEN status = 'lost' THEN 1 ELSE 0 END AS lost,
         CASE WHEN status = 'open' THEN 1 ELSE 0 END AS open,
         CASE WHEN status = 'open' THEN COALESCE(amount, 0) ELSE 0 END AS open_amount,
         0 AS created
  FROM opportunity WHERE owner_id IS NOT NULL AND close_date IS NOT NULL
  UNION ALL
  SELECT owner_id, currency, created_date, 0, 0, 0, 0, 0, 1 FROM opportunity WHERE owner_id IS NOT NULL
),
daily AS (
  SELECT owner_id, currency, day, SUM(won) AS won, SUM(won_amount) AS won_amount, SUM(lost) AS lost,
         SUM(open) AS open, SUM(open_amount) AS open_amount, SUM(created) AS created
  FROM events GROUP BY owner_id, currency, day
),
calendar AS (SELECT DISTINCT day FROM daily),
owners AS (SELECT DISTINCT owner_id, currency FROM daily)
INSERT INTO opportunity_running (day, owner_id, currency, won, won_amount, lost, open, open_amount, created)
SELECT c.day, o.owner_id, o.currency, SUM(COALESCE(d.won, 0)) OVER w, SUM(COALESCE(d.won_amount, 0)) OVER w,
       SUM(COALESCE(d.lost, 0)) OVER w, SUM(COALESCE(d.open, 0)) OVER w, SUM(COALESCE(d.open_amount, 0)) OVER w,
       SUM(COALESCE(d.created, 0)) OVER w
FROM owners o CROSS JOIN calendar c
LEFT JOIN daily d ON d.owner_id = o.owner_id AND d.currency = o.currency AND d.day = c.day
WINDOW w AS (PARTITION BY o.owner_id, o.currency ORDER BY c.day)
ORDER BY c.day, o.owner_id, o.currency
"""


def upgrade() -> None:
    op.create_table(
        "activity_running",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("meetings_held", sa.Integer(), nullable=False),
        sa.Column("emails", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("day", "rep_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "opportunity_running",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("won", sa.Integer(), nullable=False),
        sa.Column("won_amount", RUNNING_MONEY, nullable=False),
        sa.Column("lost", sa.Integer(), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.Column("open_amount", RUNNING_MONEY, nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("day", "owner_id", "currency"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "won_deal_cycles",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deals", sa.Integer(), nullable=False),
        sa.Column("close_days", sa.LargeBinary(), nullable=False),
        sa.Column("cycle_days", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("owner_id"),
    )
    op.execute(FILL_ACTIVITY)
    op.execute(FILL_OPPORTUNITY)
    _fill_cycles()


def _fill_cycles() -> None:
    """Each owner's won deals (close date, created date) packed into one row, as `rollups` keeps them."""
    deals = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT owner_id, close_date, created_date FROM opportunity "
                "WHERE owner_id IS NOT NULL AND status = 'won' AND close_date IS NOT NULL"
            )
        )
        .all()
    )
    if deals:
        cycles = sa.table(
            "won_deal_cycles",
            sa.column("owner_id"),
            sa.column("deals"),
            sa.column("close_days", sa.LargeBinary()),
            sa.column("cycle_days", sa.LargeBinary()),
        )
        op.get_bind().execute(cycles.insert(), cycle_rows(deals))


def downgrade() -> None:
    op.drop_table("won_deal_cycles")
    op.drop_table("opportunity_running")
    op.drop_table("activity_running")
