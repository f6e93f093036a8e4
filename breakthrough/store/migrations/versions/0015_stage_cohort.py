"""stage cohort and open deals: each owner's deals by created day, currency, status, stage and history stages,
and each owner's open deals, packed

- `stage_cohort`: one row per owner (`breakthrough.store.cohort`), filled here from the deals and their history
  as `cohort.refresh` writes it, and kept by every writer through `rollups.refresh_opportunity_rollups`
  (issue #18: the Pipeline page's stage funnel reads one row per owner, not every deal of the look-back).
- `open_deal_pack`: one row per owner (`breakthrough.store.open_pack`): the open deals hygiene reads, with their
  last activity day and close-date history, filled as `open_pack.refresh` writes it and kept through
  `rollups.refresh_opportunity_rollups` and `rollups.refresh_deal_activity`.

Revision ID: 0015_stage_cohort
Revises: 0013_speed
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store import cohort, open_pack

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
    op.create_table(
        "open_deal_pack",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.LargeBinary(), nullable=False) for c in ("ids",)),
        sa.Column("refs", sa.Text(), nullable=False),
        sa.Column("stages", sa.Text(), nullable=False),
        *(sa.Column(c, sa.LargeBinary(), nullable=False) for c in PACKED),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("owner_id"),
    )
    deals = conn.execute(sa.text(
        "SELECT o.owner_id, o.id, o.external_id, o.stage, o.created_date, o.close_date, o.stage_since, d.last_day "
        "FROM opportunity o LEFT JOIN deal_activity d ON d.opportunity_ref = o.external_id AND d.source = o.source "
        "WHERE o.status = 'open' AND o.owner_id IS NOT NULL"
    )).all()  # fmt: skip
    history = conn.execute(sa.text(
        "SELECT o.owner_id, h.opportunity_id, h.changed_at, h.close_date FROM opportunity_history h "
        "JOIN opportunity o ON o.id = h.opportunity_id WHERE o.status = 'open' AND o.owner_id IS NOT NULL "
        "ORDER BY h.opportunity_id, h.changed_at, h.id"
    )).all()  # fmt: skip
    rows = open_pack.pack_rows(deals, history)
    if rows:
        conn.execute(sa.table("open_deal_pack", *(sa.column(c) for c in rows[0])).insert(), rows)


PACKED = ("stage", "created", "close", "since", "last", "history_deal", "history_at", "history_close")


def downgrade() -> None:
    op.drop_table("open_deal_pack")
    op.drop_table("stage_cohort")
