"""pipeline rollups: deal_activity and target_activity_day, filled from existing rows; open deals' index

The Pipeline page's hygiene (each open deal's last activity) and right prospects (activity on target
accounts per rep) read these instead of the raw activity rows; open deals and the stage order are read
from one covering index, and the stage funnel's count by created date from a widened one (issue #7,
docs/performance.md).

Revision ID: 0006_pipeline_rollups
Revises: 0005_running_totals
Create Date: 2026-11-27 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_pipeline_rollups"
down_revision = "0005_running_totals"
branch_labels = None
depends_on = None

FILL_DEALS = """
INSERT INTO deal_activity (opportunity_ref, source, last_day, activities)
SELECT a.opportunity_ref, a.source, MAX(a.day), COUNT(*)
FROM activity a JOIN opportunity o ON o.external_id = a.opportunity_ref AND o.source = a.source
WHERE a.opportunity_ref IS NOT NULL AND o.status = 'open'
GROUP BY a.opportunity_ref, a.source
"""

# target = flagged, or in tier A / 1 (`rollups.TARGET_TIERS`)
FILL_TARGETS = """
INSERT INTO target_activity_day (rep_id, day, with_account, on_target)
SELECT a.rep_id, a.day, COUNT(*),
       SUM(CASE WHEN t.is_target OR LOWER(COALESCE(t.tier, '')) IN ('a', '1', 'tier 1', 'tier a') THEN 1 ELSE 0 END)
FROM activity a JOIN account t ON t.id = a.account_id
WHERE a.rep_id IS NOT NULL
GROUP BY a.rep_id, a.day
"""


CREATED = (
    "ix_opportunity_created_owner",
    ["created_date", "owner_id"],
    ["created_date", "owner_id", "status", "stage", "currency", "amount"],
)  # narrow → wide
OPEN_COVER = [
    "status",
    "created_date",
    "owner_id",
    "stage",
    "probability",
    "close_date",
    "stage_since",
    "source",
    "external_id",
]


def upgrade() -> None:
    op.create_table(
        "deal_activity",
        sa.Column("opportunity_ref", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("opportunity_ref", "source"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "target_activity_day",
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("with_account", sa.Integer(), nullable=False),
        sa.Column("on_target", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("rep_id", "day"),
        sqlite_with_rowid=False,
    )
    op.execute(FILL_DEALS)
    op.execute(FILL_TARGETS)
    op.create_index("ix_opportunity_open_cover", "opportunity", OPEN_COVER, unique=False)
    op.drop_index(CREATED[0], table_name="opportunity")
    op.create_index(CREATED[0], "opportunity", CREATED[2], unique=False)


def downgrade() -> None:
    op.drop_index(CREATED[0], table_name="opportunity")
    op.create_index(CREATED[0], "opportunity", CREATED[1], unique=False)
    op.drop_index("ix_opportunity_open_cover", table_name="opportunity")
    op.drop_table("target_activity_day")
    op.drop_table("deal_activity")
