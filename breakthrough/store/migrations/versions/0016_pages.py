"""open stages: per stage of the open deals, how many and their probabilities summed

- `open_stage`: a row per stage (`breakthrough.store.models.OpenStage`), filled here from the open deals as
  `rollups.refresh_open_stages` writes it, and kept by every writer of opportunities through
  `rollups.refresh_opportunity_rollups` (issue #18: the Pipeline page's stage order reads a row per stage, not
  every open deal).

Revision ID: 0016_pages
Revises: 0015_stage_cohort
Create Date: 2026-12-07 23:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_pages"
down_revision = "0015_stage_cohort"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_stage",
        sa.Column("stage", sa.String(length=100), nullable=False),
        sa.Column("deals", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("stage"),
    )
    op.execute(  # as `rollups.refresh_open_stages` writes it (`rollups.open_stages`)
        "INSERT INTO open_stage (stage, deals, probability) SELECT stage, count(*), sum(coalesce(probability, 0.0)) "
        "FROM opportunity WHERE status = 'open' GROUP BY stage"
    )


def downgrade() -> None:
    op.drop_table("open_stage")
