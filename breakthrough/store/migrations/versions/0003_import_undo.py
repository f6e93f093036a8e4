"""import undo: import_change (previous values of updated rows) and import_summary

Revision ID: 0003_import_undo
Revises: 0002_activity_rep_day
Create Date: 2026-11-27 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_import_undo"
down_revision = "0002_activity_rep_day"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("previous_batch_id", sa.Integer(), nullable=True),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_change_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_change_previous_batch_id"), ["previous_batch_id"], unique=False)
        batch_op.create_index("ix_import_change_row", ["table_name", "row_id"], unique=False)

    op.create_table(
        "import_summary",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("people_created", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
        ),
        sa.PrimaryKeyConstraint("batch_id"),
    )


def downgrade() -> None:
    op.drop_table("import_summary")
    with op.batch_alter_table("import_change", schema=None) as batch_op:
        batch_op.drop_index("ix_import_change_row")
        batch_op.drop_index(batch_op.f("ix_import_change_previous_batch_id"))
        batch_op.drop_index(batch_op.f("ix_import_change_batch_id"))
    op.drop_table("import_change")
