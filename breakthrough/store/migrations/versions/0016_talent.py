"""team running totals and running totals by month

- `team_running`: each team's running totals per currency, for `activity_running` and `opportunity_running`: the
  sum of its reps' `running_packed` rows, packed one row per team and currency (`breakthrough.store.team_running`),
  filled here from `running_packed` and kept by `rollups.refresh_packed` (issue #16: the Talent page's coaching
  effects read one row per team, not every team-mate's totals).
- `month_running`: each key of the running-totals tables through the end of every month, one row per key
  (`breakthrough.store.month_running`), filled here from the running tables and kept by `rollups.refresh_packed`
  (the Talent page's history month by month or quarter by quarter reads one row per rep).

Revision ID: 0016_talent
Revises: 0016_pages
Create Date: 2026-12-08 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store import month_running, rollups, team_running

revision = "0016_talent"
down_revision = "0016_pages"
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
    op.create_table(
        "month_running",
        sa.Column("rollup", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("months", sa.LargeBinary(), nullable=False),
        sa.Column("totals", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("rollup", "person_id", "currency"),
    )
    conn = op.get_bind()
    for spec in (rollups.ACTIVITY_RUNNING, rollups.OPPORTUNITY_RUNNING):
        name = spec.table.__tablename__
        team_running.refresh(conn, name, len(spec.values))
        key = f"{spec.keys[0]}, {spec.keys[1] if len(spec.keys) > 1 else repr('')}"
        rows = conn.execute(
            sa.text(f"SELECT {key}, day, {', '.join(spec.values)} FROM {name} ORDER BY 1, 2, day")
        ).all()
        by_month = month_running.month_rows(name, rows)
        if by_month:
            conn.execute(sa.table("month_running", *(sa.column(c) for c in by_month[0])).insert(), by_month)


def downgrade() -> None:
    op.drop_table("month_running")
    op.drop_table("team_running")
