"""Sinergi Funding tables (SQLAlchemy 2.0 typed mappings)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Institution(Base):
    """Replica of the registry's institutions, kept from institution.* snapshots (newest version wins)."""

    __tablename__ = "institutions"

    id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True), primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    sector: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    is_new_autonomous_region: Mapped[bool] = mapped_column(Boolean)
    region_code: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    successor_ids: Mapped[list[UUID]] = mapped_column(ARRAY(PG_UUID(as_uuid=True)), default=list)
    succeeded_on: Mapped[date | None] = mapped_column(Date)


class BudgetLine(Base):
    """A ceiling per institution × source × fiscal year × purpose, with what is committed and realized."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("institution_id", "source", "fiscal_year", "purpose", name="uq_budget_lines_tuple"),
        CheckConstraint("ceiling_idr >= 0", name="ck_budget_lines_ceiling"),
        CheckConstraint("committed_idr >= 0 AND realized_idr >= 0", name="ck_budget_lines_sums"),
        # The money invariant, defended by the database as well as by the conditional updates.
        CheckConstraint("committed_idr + realized_idr <= ceiling_idr", name="ck_budget_lines_within_ceiling"),
        CheckConstraint("auto_approve_limit_idr >= 0", name="ck_budget_lines_auto_limit"),
        CheckConstraint("source IN ('APBN', 'BLU', 'PNBP', 'APBD')", name="ck_budget_lines_source"),
        CheckConstraint("purpose IN ('general', 'dob_facilitation')", name="ck_budget_lines_purpose"),
        Index("ix_budget_lines_year", "fiscal_year", "institution_id"),
    )

    id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True), primary_key=True)
    institution_id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True))
    source: Mapped[str] = mapped_column(Text)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    ceiling_idr: Mapped[int] = mapped_column(BigInteger)
    committed_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    realized_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    auto_approve_limit_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def available_idr(self) -> int:
        """What is left to commit: ceiling − committed − realized."""
        return self.ceiling_idr - self.committed_idr - self.realized_idr


class BudgetRevision(Base):
    """One revision of a line's terms: who (client id), when, and the values before and after."""

    __tablename__ = "budget_revisions"
    __table_args__ = (Index("ix_budget_revisions_line", "budget_line_id", "revised_at"),)

    id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True), primary_key=True)
    budget_line_id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True), ForeignKey("budget_lines.id"))
    version: Mapped[int] = mapped_column(Integer)
    revised_by: Mapped[str] = mapped_column(Text)
    revised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ceiling_from_idr: Mapped[int] = mapped_column(BigInteger)
    ceiling_to_idr: Mapped[int] = mapped_column(BigInteger)
    auto_approve_limit_from_idr: Mapped[int] = mapped_column(BigInteger)
    auto_approve_limit_to_idr: Mapped[int] = mapped_column(BigInteger)


class FundingRequest(Base):
    """A request to pay for a seat (from enrollment.reserved) or an activity (by hand), and its decision."""

    __tablename__ = "funding_requests"
    __table_args__ = (
        # One request per enrollment however often enrollment.reserved is delivered.
        UniqueConstraint("enrollment_id", name="uq_funding_requests_enrollment"),
        CheckConstraint("amount_idr >= 0", name="ck_funding_requests_amount"),
        CheckConstraint(
            "status IN ('awaiting_approval', 'approved', 'rejected', 'released', 'realized', 'cancelled')",
            name="ck_funding_requests_status",
        ),
        Index("ix_funding_requests_payer", "payer_institution_id", "created_at"),
        Index("ix_funding_requests_line_status", "budget_line_id", "status"),
        Index(
            "ix_funding_requests_awaiting_deadline",
            "approval_deadline",
            postgresql_where="status = 'awaiting_approval'",
        ),
    )

    id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True), primary_key=True)
    origin: Mapped[str] = mapped_column(Text)  # enrollment | manual
    enrollment_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    cohort_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    program_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    provider_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    provider_ministry_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    nip: Mapped[str | None] = mapped_column(Text)
    participant_institution_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    participant_sector: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(Text)
    payer_institution_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True))
    budget_line_id: Mapped[UUID | None] = mapped_column(PG_UUID(as_uuid=True), ForeignKey("budget_lines.id"))
    requested_source: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    amount_idr: Mapped[int] = mapped_column(BigInteger)
    is_dob: Mapped[bool] = mapped_column(Boolean)
    requires_coordinator: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(Text)
    # awaiting_approval | approved | rejected | released | realized | cancelled
    status: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    reason_detail: Mapped[str | None] = mapped_column(Text)
    approval_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EndedEnrollment(Base):
    """An enrollment that ended (cancelled or rejected) with no request to settle: a late reservation opens none."""

    __tablename__ = "ended_enrollments"

    enrollment_id: Mapped[UUID] = mapped_column(PG_UUID(as_uuid=True), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
