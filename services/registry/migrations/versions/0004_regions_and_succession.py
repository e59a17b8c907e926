"""Regions keep their BPS code beside the Kemendagri one; institutions name their successors: revision 0004."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    op.add_column("institutions", sa.Column("bps_code", sa.Text))
    op.add_column(
        "institutions",
        sa.Column("successor_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"),
    )
    op.add_column("institutions", sa.Column("succeeded_on", sa.Date))


def downgrade() -> None:
    op.drop_column("institutions", "succeeded_on")
    op.drop_column("institutions", "successor_ids")
    op.drop_column("institutions", "bps_code")
