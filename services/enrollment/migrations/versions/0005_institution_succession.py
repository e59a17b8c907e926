"""The institution replica keeps who succeeded an institution and when: revision 0005, after 0004."""

from sinergi_shared.migrations import add_succession_columns, drop_succession_columns

revision, down_revision, branch_labels, depends_on = "0005", "0004", None, None


def upgrade() -> None:
    add_succession_columns()


def downgrade() -> None:
    drop_succession_columns()
