"""Civil servants keep the managerial level of their post (JPT and the others): revision 0003, after 0002."""

import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "0003", "0002", None, None


def upgrade() -> None:
    op.add_column("civil_servants", sa.Column("position_level", sa.Text))


def downgrade() -> None:
    op.drop_column("civil_servants", "position_level")
