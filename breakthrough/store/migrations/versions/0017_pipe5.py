"""right prospects' running totals

- `target_running`: each rep's `target_activity_day` counts through each day (`breakthrough.store.models.
  TargetRunning`), filled here from `target_activity_day` as `rollups.refresh_running` writes it and kept with it by
  every writer of activities and accounts (`rollups.refresh_target_activity`, `refresh_target_accounts`, the
  importer's `bulk.ActivityRows`, which the demo writes through): issue #18, the Pipeline page's right prospects
  read two rows per rep, not every rep's days of the quarter.

Revision ID: 0017_pipe5
Revises: 0017_talent5
Create Date: 2026-12-08 01:40:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store import rollups

revision = "0017_pipe5"
down_revision = "0017_talent5"  # chained after the Talent indexes at merge
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "target_running",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("with_account", sa.Integer(), nullable=False),
        sa.Column("on_target", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("day", "rep_id"),
        sqlite_with_rowid=False,
    )
    rollups.refresh_running(op.get_bind(), rollups.TARGET_RUNNING)  # everyone, from `target_activity_day`


def downgrade() -> None:
    op.drop_table("target_running")
