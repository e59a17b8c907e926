"""Indexes on the times the retention job purges by: revision 0010, after 0009."""

from sinergi_shared.migrations import create_retention_indexes, drop_retention_indexes

revision, down_revision, branch_labels, depends_on = "0010", "0009", None, None


def upgrade() -> None:
    create_retention_indexes()


def downgrade() -> None:
    drop_retention_indexes()
