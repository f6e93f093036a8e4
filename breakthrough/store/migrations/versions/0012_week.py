"""the manager's week

- `digest_sent`: each weekly digest sent, per recipient and ISO week, so a second run does not send it twice
  (issue #17, `breakthrough.digest`).

Revision ID: 0012_week
Revises: 0010_audit_log
Create Date: 2026-12-07 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_week"
down_revision = "0010_audit_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("week", "email", name="uq_digest_sent_week_email"),
    )


def downgrade() -> None:
    op.drop_table("digest_sent")
