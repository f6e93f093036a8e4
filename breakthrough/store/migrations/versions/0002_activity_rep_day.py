"""activity_rep_day: a compact per-rep, per-day rollup for page figures

Revision ID: 0002_activity_rep_day
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_activity_rep_day"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_rep_day",
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("meetings_held", sa.Integer(), nullable=False),
        sa.Column("emails", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("rep_id", "day"),
    )
    op.create_index("ix_activity_rep_day_day", "activity_rep_day", ["day"])
    # fill it from the existing daily rollup, so upgraded databases keep their figures
    op.execute(
        "INSERT INTO activity_rep_day (rep_id, day, calls, meetings_held, emails, activities) "
        "SELECT rep_id, day, "
        "SUM(CASE WHEN type = 'call' THEN n ELSE 0 END), "
        "SUM(CASE WHEN type IN ('meeting', 'demo') AND lower(outcome) NOT IN "
        "('no show', 'no-show', 'no_show', 'cancelled', 'canceled', 'scheduled', 'rescheduled') THEN n ELSE 0 END), "
        "SUM(CASE WHEN type = 'email' THEN n ELSE 0 END), SUM(n) "
        "FROM activity_daily GROUP BY rep_id, day"
    )


def downgrade() -> None:
    op.drop_index("ix_activity_rep_day_day", table_name="activity_rep_day")
    op.drop_table("activity_rep_day")
