"""Certificates (SPEC §5b): provider settings, gap-free counters, certificates, the verify limiter: 0007, after 0006."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision, down_revision, branch_labels, depends_on = "0007", "0006", None, None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "certificate_settings",
        sa.Column("provider_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number_pattern", sa.Text, nullable=False),
        sa.Column("signer_name", sa.Text, nullable=False),
        sa.Column("signer_post", sa.Text, nullable=False),
        sa.Column("signer_nip", sa.Text, nullable=False),
        sa.Column("signing_place", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "certificate_counters",
        sa.Column("provider_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("enrollment_id", UUID(as_uuid=True), sa.ForeignKey("enrollments.id"), nullable=False, unique=True),
        sa.Column("provider_id", UUID(as_uuid=True), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False, unique=True),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("holder_name", sa.Text, nullable=False),
        sa.Column("signer_name", sa.Text),
        sa.Column("signer_post", sa.Text),
        sa.Column("signer_nip", sa.Text),
        sa.Column("signing_place", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoke_reason", sa.Text),
        sa.Column("revoked_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("provider_id", "year", "seq", name="uq_certificates_provider_year_seq"),
        sa.CheckConstraint("status IN ('valid', 'revoked')", name="ck_certificates_status"),
        sa.CheckConstraint("(status = 'revoked') = (revoked_at IS NOT NULL)", name="ck_certificates_revoked"),
    )
    op.create_index("ix_certificates_issued", "certificates", ["provider_id", "issued_on"])
    op.create_table(
        "verification_attempts",
        sa.Column("address", sa.Text, primary_key=True),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verification_attempts")
    op.drop_table("certificates")
    op.drop_table("certificate_counters")
    op.drop_table("certificate_settings")
