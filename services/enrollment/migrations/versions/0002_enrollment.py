"""Enrollment tables: registry replica, programs, cohorts, enrollments: revision 0002, after 0001."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from sinergi_shared.migrations import institution_replica_columns

revision, down_revision, branch_labels, depends_on = "0002", "0001", None, None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "institutions",
        *institution_replica_columns(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_institutions_parent", "institutions", ["parent_id"])
    op.create_table(
        "civil_servants",
        sa.Column("nip", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("institution_id", UUID(as_uuid=True), nullable=False),
        sa.Column("employment", sa.Text, nullable=False),
        sa.Column("position_kind", sa.Text, nullable=False),
        sa.Column("position_title", sa.Text),
        sa.Column("grade", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_civil_servants_institution", "civil_servants", ["institution_id", "status"])
    op.create_table(
        "programs",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("provider_id", UUID(as_uuid=True), nullable=False),
        sa.Column("provider_ministry_id", UUID(as_uuid=True), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("hours_jp", sa.Integer, nullable=False),
        sa.Column("horizon", sa.Text, nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("cost_per_participant_idr", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("hours_jp > 0", name="ck_programs_hours"),
        sa.CheckConstraint("cost_per_participant_idr >= 0", name="ck_programs_cost"),
    )
    op.create_index("ix_programs_created", "programs", ["created_at", "id"])
    op.create_index("ix_programs_provider", "programs", ["provider_id", "fiscal_year"])
    op.create_table(
        "cohorts",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("program_id", UUID(as_uuid=True), sa.ForeignKey("programs.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("regional_share_pct", sa.Integer, nullable=False),
        sa.Column("reserved_regional", sa.Integer, nullable=False),
        sa.Column("dob_seats", sa.Integer, nullable=False),
        sa.Column("enrollment_closes_at", sa.DateTime(timezone=True)),
        sa.Column("reservation_release_at", sa.DateTime(timezone=True)),
        sa.Column("reservations_released_at", sa.DateTime(timezone=True)),
        sa.Column("waitlist_limit", sa.Integer),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("taken_central", sa.Integer, nullable=False, server_default="0"),
        sa.Column("taken_regional", sa.Integer, nullable=False, server_default="0"),
        sa.Column("taken_dob", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        # Defence in depth behind the seat rule enforced under the row lock.
        sa.CheckConstraint("capacity >= 1", name="ck_cohorts_capacity"),
        sa.CheckConstraint("0 <= dob_seats AND dob_seats <= reserved_regional", name="ck_cohorts_dob"),
        sa.CheckConstraint("reserved_regional <= capacity", name="ck_cohorts_reserved"),
        sa.CheckConstraint("starts_on <= ends_on", name="ck_cohorts_dates"),
        sa.CheckConstraint(
            "taken_central >= 0 AND taken_regional >= 0 AND taken_dob >= 0", name="ck_cohorts_taken_nonneg"
        ),
        sa.CheckConstraint("taken_central + taken_regional + taken_dob <= capacity", name="ck_cohorts_taken_cap"),
    )
    op.create_index("ix_cohorts_program", "cohorts", ["program_id"])
    op.create_index(
        "ix_cohorts_due_close",
        "cohorts",
        ["enrollment_closes_at"],
        postgresql_where=sa.text("status = 'open' AND enrollment_closes_at IS NOT NULL"),
    )
    op.create_index(
        "ix_cohorts_due_release",
        "cohorts",
        ["reservation_release_at"],
        postgresql_where=sa.text("reservations_released_at IS NULL AND reservation_release_at IS NOT NULL"),
    )
    op.create_table(
        "enrollments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("cohort_id", UUID(as_uuid=True), sa.ForeignKey("cohorts.id"), nullable=False),
        sa.Column("program_id", UUID(as_uuid=True), sa.ForeignKey("programs.id"), nullable=False),
        sa.Column("nip", sa.Text, nullable=False),
        sa.Column("institution_id", UUID(as_uuid=True), nullable=False),
        sa.Column("nominated_by_id", UUID(as_uuid=True), nullable=False),
        sa.Column("participant_sector", sa.Text, nullable=False),
        sa.Column("is_dob", sa.Boolean, nullable=False),
        sa.Column("seat_class", sa.Text, nullable=False),
        sa.Column("funding_source", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("attended_jp", sa.Integer),
        sa.Column("passed", sa.Boolean),
        sa.Column("funding_request_id", UUID(as_uuid=True)),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint(
            "status IN ('waitlisted','reserved','confirmed','completed','no_show','rejected','cancelled')",
            name="ck_enrollments_status",
        ),
        sa.CheckConstraint("seat_class IN ('central','regional','dob')", name="ck_enrollments_class"),
    )
    # A NIP holds at most one live enrollment per cohort, whatever the races.
    op.create_index(
        "uq_enrollments_active_nip",
        "enrollments",
        ["cohort_id", "nip"],
        unique=True,
        postgresql_where=sa.text("status NOT IN ('cancelled', 'rejected')"),
    )
    op.create_index("ix_enrollments_cohort_queue", "enrollments", ["cohort_id", "status", "seq"])
    op.create_index("ix_enrollments_nip", "enrollments", ["nip"])
    op.create_index("ix_enrollments_institution", "enrollments", ["institution_id"])
    op.create_index("ix_enrollments_created", "enrollments", ["created_at", "id"])


def downgrade() -> None:
    op.drop_table("enrollments")
    op.drop_table("cohorts")
    op.drop_table("programs")
    op.drop_table("civil_servants")
    op.drop_table("institutions")
