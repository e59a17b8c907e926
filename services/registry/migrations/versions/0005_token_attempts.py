"""Attempts at the token endpoint, one row per limited key (registry/token_limits.py): revision 0005."""

from alembic import op

revision, down_revision, branch_labels, depends_on = "0005", "0004", None, None


def upgrade() -> None:
    # Unlogged: a crash may forget recent attempts (the limits start afresh), and no attempt costs a WAL write.
    # Room on each page lets the row of a busy key be rewritten in place (a HOT update), its index untouched.
    op.execute(
        """
        CREATE UNLOGGED TABLE token_attempts (
            key text PRIMARY KEY,
            busy_until timestamptz NOT NULL
        ) WITH (fillfactor = 70)
        """
    )


def downgrade() -> None:
    op.drop_table("token_attempts")
