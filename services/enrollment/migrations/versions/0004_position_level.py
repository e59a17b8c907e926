"""The civil servant replica keeps the post's level, for the PPPK JP maximum: revision 0004, after 0003."""

import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    op.add_column("civil_servants", sa.Column("position_level", sa.Text))


def downgrade() -> None:
    op.drop_column("civil_servants", "position_level")
