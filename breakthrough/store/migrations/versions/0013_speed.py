"""packed running totals

- `running_packed`: each rep's `activity_running` rows and each owner and currency's `opportunity_running`
  rows as one row of packed arrays, filled here from those tables and kept by `rollups.refresh_running`
  (issue #18: the Coaching page reads one row per rep, not one per rep and day).

Revision ID: 0013_speed
Revises: 0010_audit_log
Create Date: 2026-12-07 15:45:00
"""

import sqlalchemy as sa
from alembic import op

from breakthrough.store import rollups

revision = "0013_speed"
down_revision = "0014_pipeline_created"  # after 0014: it packs opportunity_running with created_amount
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "running_packed",
        sa.Column("rollup", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("days", sa.LargeBinary(), nullable=False),
        sa.Column("totals", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("rollup", "person_id", "currency"),
    )
    conn = op.get_bind()
    for name, key, values in (
        ("activity_running", "rep_id, ''", "calls, meetings_held, emails, activities"),
        (
            "opportunity_running",
            "owner_id, currency",
            "won, won_amount, lost, open, open_amount, created, created_amount",
        ),
    ):
        rows = conn.execute(sa.text(f"SELECT {key}, day, {values} FROM {name} ORDER BY 1, 2, day")).all()
        packed = rollups.packed_rows(name, rows)
        if packed:
            conn.execute(sa.text(
                "INSERT INTO running_packed (rollup, person_id, currency, days, totals) "
                "VALUES (:rollup, :person_id, :currency, :days, :totals)"
            ), packed)  # fmt: skip


def downgrade() -> None:
    op.drop_table("running_packed")
