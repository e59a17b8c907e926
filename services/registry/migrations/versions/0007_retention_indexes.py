"""Indexes on the times the retention job purges by: revision 0007, after 0006."""

from sinergi_shared.migrations import create_retention_indexes, drop_retention_indexes

revision, down_revision, branch_labels, depends_on = "0007", "0006", None, None


def upgrade() -> None:
    create_retention_indexes()


def downgrade() -> None:
    drop_retention_indexes()
