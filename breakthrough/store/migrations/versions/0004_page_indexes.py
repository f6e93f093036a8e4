"""page indexes: covering indexes for the page figures (issue #7, docs/performance.md)

Revision ID: 0004_page_indexes
Revises: 0003_import_undo
Create Date: 2026-11-27 12:00:00
"""

from alembic import op

revision = "0004_page_indexes"
down_revision = "0003_import_undo"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_opportunity_status_close": (
        "opportunity",
        ["status", "close_date", "owner_id", "currency", "amount", "created_date"],
    ),
    "ix_opportunity_created_owner": ("opportunity", ["created_date", "owner_id"]),
    "ix_activity_rep_day_cover": (
        "activity_rep_day",
        ["day", "rep_id", "calls", "meetings_held", "emails", "activities"],
    ),
}


WIDENED = ("ix_activity_rep_day", "activity", ["rep_id", "day"], ["rep_id", "day", "account_id"])
DEAL_DAY = ("ix_activity_deal_day", "activity", ["opportunity_ref", "source", "day"])


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    name, table, _, wide = WIDENED
    op.drop_index(name, table_name=table)
    op.create_index(name, table, wide, unique=False)
    op.create_index(DEAL_DAY[0], DEAL_DAY[1], DEAL_DAY[2], unique=False)


def downgrade() -> None:
    op.drop_index(DEAL_DAY[0], table_name=DEAL_DAY[1])
    name, table, narrow, _ = WIDENED
    op.drop_index(name, table_name=table)
    op.create_index(name, table, narrow, unique=False)
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
