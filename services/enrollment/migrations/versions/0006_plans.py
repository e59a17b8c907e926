"""Development plans and their items (SPEC §5a): revision 0006, after 0005."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision, down_revision, branch_labels, depends_on = "0006", "0005", None, None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("lineage_id", UUID(as_uuid=True), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("institution_id", UUID(as_uuid=True), nullable=False),
        sa.Column("horizon", sa.Text, nullable=False),
        sa.Column("first_year", sa.Integer, nullable=False),
        sa.Column("last_year", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("checks", JSONB),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("approved_by", sa.Text),
        sa.Column("superseded_at", sa.DateTime(timezone=True)),
        sa.Column("superseded_by_id", UUID(as_uuid=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("first_year <= last_year", name="ck_plans_years"),
    )
    op.create_index("ix_plans_lineage_revision", "plans", ["lineage_id", "revision"], unique=True)
    # One short plan per institution and fiscal year: its first revision holds the year.
    op.create_index(
        "ux_plans_short_year",
        "plans",
        ["institution_id", "first_year"],
        unique=True,
        postgresql_where=sa.text("horizon = 'short' AND revision = 1"),
    )
    op.create_index("ix_plans_institution", "plans", ["institution_id", "status"])
    op.create_table(
        "plan_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("plan_id", UUID(as_uuid=True), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("nip", sa.Text),
        sa.Column("target_position_kind", sa.Text),
        sa.Column("target_count", sa.Integer),
        sa.Column("competency_type", sa.Text, nullable=False),
        sa.Column("competency_name", sa.Text, nullable=False),
        sa.Column("need", sa.Text, nullable=False),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("target_jp", sa.Integer, nullable=False),
        sa.Column("target_year", sa.Integer, nullable=False),
        sa.Column("planned_program_id", UUID(as_uuid=True)),
        sa.Column("planned_provider_id", UUID(as_uuid=True)),
        sa.Column("quarter", sa.SmallInteger),
        sa.Column("estimated_cost_idr", sa.BigInteger, nullable=False),
        sa.Column("funding_source", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "(nip IS NULL) <> (target_position_kind IS NULL AND target_count IS NULL)", name="ck_plan_items_whom"
        ),
    )
    op.create_index("ix_plan_items_plan", "plan_items", ["plan_id"])
    op.create_index("ix_plan_items_nip_year", "plan_items", ["nip", "target_year"])


def downgrade() -> None:
    op.drop_table("plan_items")
    op.drop_table("plans")
