"""Enrollments that ended before funding heard of their reservation: revision 0004, after 0003."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    op.create_table(
        "ended_enrollments",
        sa.Column("enrollment_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )


def downgrade() -> None:
    op.drop_table("ended_enrollments")
