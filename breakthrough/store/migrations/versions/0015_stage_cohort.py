"""stage cohort: each owner's deals by created day, currency, status, stage and history stages, packed

- `stage_cohort`: one row per owner (`breakthrough.store.cohort`), filled here from the deals and their history
  as `cohort.refresh` writes it, and kept by every writer through `rollups.refresh_opportunity_rollups`
  (issue #18: the Pipeline page's stage funnel reads one row per owner, not every deal of the look-back).

Revision ID: 0015_stage_cohort
Revises: 0013_speed
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store import cohort

revision = "0015_stage_cohort"
down_revision = "0013_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_cohort",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("days", sa.LargeBinary(), nullable=False),
        sa.Column("deals", sa.LargeBinary(), nullable=False),
        sa.Column("priced", sa.LargeBinary(), nullable=False),
        sa.Column("cents", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("owner_id"),
    )
    conn = op.get_bind()
    deals = conn.execute(sa.text(
        "SELECT id, owner_id, currency, status, stage, created_date, amount FROM opportunity "
        "WHERE owner_id IS NOT NULL AND created_date IS NOT NULL"
    )).all()  # fmt: skip
    stages = conn.execute(sa.text(
        "SELECT DISTINCT h.opportunity_id, h.stage FROM opportunity_history h JOIN opportunity o ON o.id = "
        "h.opportunity_id WHERE o.owner_id IS NOT NULL AND o.created_date IS NOT NULL AND h.stage IS NOT NULL"
    )).all()  # fmt: skip
    rows = cohort.cohort_rows(deals, stages)
    if rows:
        conn.execute(sa.table("stage_cohort", *(sa.column(c) for c in rows[0])).insert(), rows)


def downgrade() -> None:
    op.drop_table("stage_cohort")
