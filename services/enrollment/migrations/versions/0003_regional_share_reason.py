"""Cohorts keep why a coordinator set the regional share below the default: revision 0003, after 0002."""

import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "0003", "0002", None, None


def upgrade() -> None:
    op.add_column("cohorts", sa.Column("regional_share_reason", sa.Text))


def downgrade() -> None:
    op.drop_column("cohorts", "regional_share_reason")
