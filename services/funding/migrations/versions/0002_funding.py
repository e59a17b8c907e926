"""Funding tables: institution replica, budget lines and revisions, funding requests: revision 0002, after 0001."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from sinergi_shared.migrations import institution_replica_columns

revision, down_revision, branch_labels, depends_on = "0002", "0001", None, None


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "institutions",
        *institution_replica_columns(),
    )
    op.create_table(
        "budget_lines",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("institution_id", UUID(as_uuid=True), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("ceiling_idr", sa.BigInteger, nullable=False),
        sa.Column("committed_idr", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("realized_idr", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("auto_approve_limit_idr", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.UniqueConstraint("institution_id", "source", "fiscal_year", "purpose", name="uq_budget_lines_tuple"),
        sa.CheckConstraint("ceiling_idr >= 0", name="ck_budget_lines_ceiling"),
        sa.CheckConstraint("committed_idr >= 0 AND realized_idr >= 0", name="ck_budget_lines_sums"),
        sa.CheckConstraint("committed_idr + realized_idr <= ceiling_idr", name="ck_budget_lines_within_ceiling"),
        sa.CheckConstraint("auto_approve_limit_idr >= 0", name="ck_budget_lines_auto_limit"),
        sa.CheckConstraint("source IN ('APBN', 'BLU', 'PNBP', 'APBD')", name="ck_budget_lines_source"),
        sa.CheckConstraint("purpose IN ('general', 'dob_facilitation')", name="ck_budget_lines_purpose"),
    )
    op.create_index("ix_budget_lines_year", "budget_lines", ["fiscal_year", "institution_id"])
    op.create_table(
        "budget_revisions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("budget_line_id", UUID(as_uuid=True), sa.ForeignKey("budget_lines.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("revised_by", sa.Text, nullable=False),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("ceiling_from_idr", sa.BigInteger, nullable=False),
        sa.Column("ceiling_to_idr", sa.BigInteger, nullable=False),
        sa.Column("auto_approve_limit_from_idr", sa.BigInteger, nullable=False),
        sa.Column("auto_approve_limit_to_idr", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_budget_revisions_line", "budget_revisions", ["budget_line_id", "revised_at"])
    op.create_table(
        "funding_requests",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("enrollment_id", UUID(as_uuid=True)),
        sa.Column("cohort_id", UUID(as_uuid=True)),
        sa.Column("program_id", UUID(as_uuid=True)),
        sa.Column("provider_id", UUID(as_uuid=True)),
        sa.Column("provider_ministry_id", UUID(as_uuid=True)),
        sa.Column("nip", sa.Text),
        sa.Column("participant_institution_id", UUID(as_uuid=True)),
        sa.Column("participant_sector", sa.Text),
        sa.Column("requested_by", sa.Text),
        sa.Column("payer_institution_id", UUID(as_uuid=True)),
        sa.Column("budget_line_id", UUID(as_uuid=True), sa.ForeignKey("budget_lines.id")),
        sa.Column("requested_source", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("amount_idr", sa.BigInteger, nullable=False),
        sa.Column("is_dob", sa.Boolean, nullable=False),
        sa.Column("requires_coordinator", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("reason_detail", sa.Text),
        sa.Column("approval_deadline", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.UniqueConstraint("enrollment_id", name="uq_funding_requests_enrollment"),
        sa.CheckConstraint("amount_idr >= 0", name="ck_funding_requests_amount"),
        sa.CheckConstraint(
            "status IN ('awaiting_approval', 'approved', 'rejected', 'released', 'realized', 'cancelled')",
            name="ck_funding_requests_status",
        ),
    )
    op.create_index("ix_funding_requests_payer", "funding_requests", ["payer_institution_id", "created_at"])
    op.create_index("ix_funding_requests_line_status", "funding_requests", ["budget_line_id", "status"])
    op.create_index(
        "ix_funding_requests_awaiting_deadline",
        "funding_requests",
        ["approval_deadline"],
        postgresql_where=sa.text("status = 'awaiting_approval'"),
    )


def downgrade() -> None:
    op.drop_table("funding_requests")
    op.drop_table("budget_revisions")
    op.drop_table("budget_lines")
    op.drop_table("institutions")
