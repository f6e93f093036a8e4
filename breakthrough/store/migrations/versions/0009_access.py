"""sign-in: e-mail aliases and role spellings

- `person_email`: other e-mails a person signs in with (lower-case, each naming one person), beside
  `person.email` (issue #15).
- `commitment.acknowledged_date`: the day the rep acknowledged a commitment agreed with them.
- `person.role` written in one spelling: lower-case, and "sales ops" in its spellings as `sales_ops`.

Revision ID: 0009_access
Revises: 0008_people_over_time
Create Date: 2026-12-07 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_access"
down_revision = "0008_people_over_time"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_index("ix_person_email_person_id", "person_email", ["person_id"])
    op.add_column("commitment", sa.Column("acknowledged_date", sa.Date(), nullable=True))  # plain ADD COLUMN
    person = sa.table("person", sa.column("role", sa.String))
    op.execute(person.update().values(role=sa.func.lower(sa.func.trim(person.c.role))))
    op.execute(
        person.update()
        .where(person.c.role.in_(("sales ops", "salesops", "sales operations", "revops", "sales-ops")))
        .values(role="sales_ops")
    )


def downgrade() -> None:
    op.drop_column("commitment", "acknowledged_date")
    op.drop_index("ix_person_email_person_id", table_name="person_email")
    op.drop_table("person_email")
