"""The SIASN reference ids an operator maps Sinergi values to (SPEC §5b export): revision 0008, after 0007."""

import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "0008", "0007", None, None

KINDS = ("institution", "course_type", "certificate_type", "location", "structural_training")


def upgrade() -> None:
    op.create_table(
        "siasn_mappings",
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("sinergi_value", sa.Text, primary_key=True),
        sa.Column("siasn_id", sa.Text, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS}", name="ck_siasn_mappings_kind"),
    )


def downgrade() -> None:
    op.drop_table("siasn_mappings")
