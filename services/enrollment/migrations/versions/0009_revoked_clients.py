"""The API clients the registry revoked, whose earlier tokens the verifier refuses: revision 0009, after 0008."""

from alembic import op

from sinergi_shared.revocations import revoked_clients

revision, down_revision, branch_labels, depends_on = "0009", "0008", None, None


def upgrade() -> None:
    revoked_clients.create(bind=op.get_bind())


def downgrade() -> None:
    revoked_clients.drop(bind=op.get_bind())
