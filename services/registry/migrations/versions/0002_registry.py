"""Registry tables: institutions, civil servants, API clients, signing keys: revision 0002, after 0001."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision, down_revision, branch_labels, depends_on = "0002", "0001", None, None


def upgrade() -> None:
    op.create_table(
        "institutions",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("code", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("sector", sa.Text, nullable=False),
        sa.Column("parent_id", pg.UUID(as_uuid=True), sa.ForeignKey("institutions.id")),
        sa.Column("is_new_autonomous_region", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("region_code", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "kind IN ('ministry', 'agency', 'training_unit', 'province', 'regency', 'city')",
            name="ck_institutions_kind",
        ),
        sa.CheckConstraint("sector IN ('central', 'regional')", name="ck_institutions_sector"),
        sa.CheckConstraint("status IN ('active', 'inactive')", name="ck_institutions_status"),
    )
    op.create_index("ix_institutions_parent_id", "institutions", ["parent_id"])
    op.create_index("ix_institutions_kind", "institutions", ["kind"])

    op.create_table(
        "civil_servants",
        sa.Column("nip", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("institution_id", pg.UUID(as_uuid=True), sa.ForeignKey("institutions.id"), nullable=False),
        sa.Column("employment", sa.Text, nullable=False),
        sa.Column("position_kind", sa.Text, nullable=False),
        sa.Column("position_title", sa.Text),
        sa.Column("grade", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("appointment_month", sa.Date, nullable=False),
        sa.Column("gender", sa.SmallInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("nip ~ '^[0-9]{18}$'", name="ck_civil_servants_nip"),
        sa.CheckConstraint("employment IN ('PNS', 'PPPK')", name="ck_civil_servants_employment"),
        sa.CheckConstraint(
            "position_kind IN ('structural', 'functional', 'executor')", name="ck_civil_servants_position_kind"
        ),
        sa.CheckConstraint("status IN ('active', 'retired')", name="ck_civil_servants_status"),
    )
    op.create_index("ix_civil_servants_institution_nip", "civil_servants", ["institution_id", "nip"])

    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("institution_id", pg.UUID(as_uuid=True), sa.ForeignKey("institutions.id"), nullable=False),
        sa.Column("scopes", pg.ARRAY(sa.Text), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.Text, primary_key=True),
        sa.Column("private_pem", sa.Text),
        sa.Column("public_jwk", pg.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
    )
    # At most one key signs at a time, whatever the number of instances.
    op.create_index(
        "ux_signing_keys_current",
        "signing_keys",
        [sa.text("(retired_at IS NULL)")],
        unique=True,
        postgresql_where=sa.text("retired_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    op.drop_table("api_clients")
    op.drop_table("civil_servants")
    op.drop_table("institutions")
