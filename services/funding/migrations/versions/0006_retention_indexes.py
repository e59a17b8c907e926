"""Indexes on the times the retention job purges by: revision 0006, after 0005."""

from sinergi_shared.migrations import create_retention_indexes, drop_retention_indexes

revision, down_revision, branch_labels, depends_on = "0006", "0005", None, None


def upgrade() -> None:
    create_retention_indexes()


def downgrade() -> None:
    drop_retention_indexes()
