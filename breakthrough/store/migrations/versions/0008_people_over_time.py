"""people over time and coaching-session identity

- `person.end_date`: the last day a person worked here (a leaver). A person active during any part of a
  period is in that period's figures; only "now" views leave leavers out (issue #14).
- `coaching_session.source` / `external_id`: an imported session's identity, from the file's own row id
  where it has one, else from the whole row, so two sessions on one day between the same manager and
  rep of the same type stay two sessions (issue #14). Sessions logged in the app leave both empty.

Revision ID: 0008_people_over_time
Revises: 0007_partial_deal_index
Create Date: 2026-12-07 07:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_people_over_time"
down_revision = "0007_partial_deal_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (SQLite has it): a batch copy of `person` would trip its foreign keys
    op.add_column("person", sa.Column("end_date", sa.Date(), nullable=True))
    op.add_column("coaching_session", sa.Column("source", sa.String(40), nullable=True))
    op.add_column("coaching_session", sa.Column("external_id", sa.String(100), nullable=True))
    op.create_index("ix_session_identity", "coaching_session", ["source", "external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_session_identity", table_name="coaching_session")
    op.drop_column("coaching_session", "external_id")
    op.drop_column("coaching_session", "source")
    op.drop_column("person", "end_date")
