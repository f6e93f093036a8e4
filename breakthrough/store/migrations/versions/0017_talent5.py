"""covering indexes for the Talent page's coaching counts

- `ix_session_rep_date` on `coaching_session` (rep, date, type, focus driver, manager): the persistent
  shortfall's sessions counted by rep, period and type, and its focused sessions, read from the index alone
  instead of one table row per session (issue #16);
- `ix_commitment_rep_session` on `commitment` (rep, session, status, due date, reviewed date): its commitments
  counted by status on the as-of date the same way.

An index is kept by the database itself on every write, so no writer changes.

Revision ID: 0017_talent5
Revises: 0016_talent
Create Date: 2026-12-08 01:20:00
"""

from alembic import op

revision = "0017_talent5"
down_revision = "0016_talent"
branch_labels = None
depends_on = None

SESSION = ["rep_id", "date", "type", "focus_driver", "manager_id"]
COMMITMENT = ["rep_id", "session_id", "status", "due_date", "reviewed_date"]


def upgrade() -> None:
    with op.batch_alter_table("coaching_session", schema=None) as batch_op:
        batch_op.create_index("ix_session_rep_date", SESSION, unique=False)
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index("ix_commitment_rep_session", COMMITMENT, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_rep_session")
    with op.batch_alter_table("coaching_session", schema=None) as batch_op:
        batch_op.drop_index("ix_session_rep_date")
