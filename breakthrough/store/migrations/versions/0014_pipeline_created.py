"""pipeline created: opportunity_running.created_amount, filled from existing rows

Each owner's amount of the deals created through each day (by created date, per currency, whatever the
deal's status), beside the count `created` already kept: the Talent page's ramp shows the pipeline created
by month of tenure from two look-ups per rep and month (issue #16, docs/metrics.md#pipeline-created). Every writer
keeps it through `rollups.refresh_opportunity_rollups`; the column's default 0 only fills the rows while
this migration adds it.

Revision ID: 0014_pipeline_created
Revises: 0010_audit_log
Create Date: 2026-12-07 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_pipeline_created"
down_revision = "0012_week"
branch_labels = None
depends_on = None

RUNNING_MONEY = sa.Numeric(20, 2, asdecimal=False)

# Every owner and currency has a row on every day of the table (0005_running_totals): each row's total is the
# daily created amounts summed up to its day, in day order, as `rollups` sums them.
FILL = """
UPDATE opportunity_running SET created_amount = totals.amount
FROM (
  SELECT r.day, r.owner_id, r.currency,
         SUM(COALESCE(d.amount, 0)) OVER (PARTITION BY r.owner_id, r.currency ORDER BY r.day) AS amount
  FROM opportunity_running r
  LEFT JOIN (
    SELECT owner_id, currency, created_date AS day, SUM(COALESCE(amount, 0)) AS amount
    FROM opportunity WHERE owner_id IS NOT NULL GROUP BY owner_id, currency, created_date
  ) d ON d.owner_id = r.owner_id AND d.currency = r.currency AND d.day = r.day
) totals
WHERE opportunity_running.day = totals.day AND opportunity_running.owner_id = totals.owner_id
  AND opportunity_running.currency = totals.currency
"""


def upgrade() -> None:
    op.add_column(
        "opportunity_running",
        sa.Column("created_amount", RUNNING_MONEY, nullable=False, server_default="0"),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_column("opportunity_running", "created_amount")
