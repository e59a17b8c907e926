"""API clients can be rotated and revoked: when their secret last changed and when they were revoked; revision 0006."""

import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "0006", "0005", None, None


def upgrade() -> None:
    op.add_column("api_clients", sa.Column("secret_rotated_at", sa.DateTime(timezone=True)))
    op.add_column("api_clients", sa.Column("revoked_at", sa.DateTime(timezone=True)))
    # Nothing deactivated a client before; should one be inactive, it counts as revoked from now.
    op.execute("UPDATE api_clients SET revoked_at = now() WHERE NOT active")


def downgrade() -> None:
    op.drop_column("api_clients", "revoked_at")
    op.drop_column("api_clients", "secret_rotated_at")
