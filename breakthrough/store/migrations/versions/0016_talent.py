"""team running totals

- `team_running`: each team's running totals per currency, for `activity_running` and `opportunity_running`: the
  sum of its reps' `running_packed` rows, packed one row per team and currency (`breakthrough.store.team_running`),
  filled here from `running_packed` and kept by `rollups.refresh_packed` (issue #16: the Talent page's coaching
  effects read one row per team, not every team-mate's totals).

Revision ID: 0016_talent
Revises: 0015_stage_cohort
Create Date: 2026-12-08 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store import rollups, team_running

revision = "0016_talent"
down_revision = "0015_stage_cohort"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_running",
        sa.Column("rollup", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("members", sa.LargeBinary(), nullable=False),
        sa.Column("days", sa.LargeBinary(), nullable=False),
        sa.Column("totals", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("rollup", "team_id", "currency"),
    )
    conn = op.get_bind()
    for spec in (rollups.ACTIVITY_RUNNING, rollups.OPPORTUNITY_RUNNING):
        team_running.refresh(conn, spec.table.__tablename__, len(spec.values))


def downgrade() -> None:
    op.drop_table("team_running")
