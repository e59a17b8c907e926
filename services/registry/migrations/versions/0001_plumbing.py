"""Plumbing tables: event log, outbox, inbox, dead letters, idempotency keys.

Revision ID: 0001
Revises:
"""

from alembic import op

from sinergi_shared.db import plumbing

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    plumbing.create_all(bind=op.get_bind())


def downgrade() -> None:
    plumbing.drop_all(bind=op.get_bind())
