"""Sinergi Enrollment tables (SQLAlchemy 2.0 typed mappings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from enrollment.domain.seat_rule import SeatPlan, Taken


class Base(DeclarativeBase):
    pass


class Institution(Base):
    """Replica of the registry's institutions, built from registry.institutions events."""

    __tablename__ = "institutions"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    code: Mapped[str]
    name: Mapped[str]
    kind: Mapped[str]
    sector: Mapped[str]
    parent_id: Mapped[UUID | None]
    is_new_autonomous_region: Mapped[bool]
    region_code: Mapped[str | None]
    status: Mapped[str]
    version: Mapped[int]
    successor_ids: Mapped[list[UUID]] = mapped_column(ARRAY(PG_UUID(as_uuid=True)), default=list)
    succeeded_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CivilServant(Base):
    """Replica of the registry's civil servants, built from registry.civil-servants events."""

    __tablename__ = "civil_servants"

    nip: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    institution_id: Mapped[UUID]
    employment: Mapped[str]
    position_kind: Mapped[str]
    position_title: Mapped[str | None]
    grade: Mapped[str | None]
    position_level: Mapped[str | None]
    status: Mapped[str]
    version: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    provider_id: Mapped[UUID]
    provider_ministry_id: Mapped[UUID]
    title: Mapped[str]
    pattern: Mapped[str]
    category: Mapped[str]
    hours_jp: Mapped[int]
    horizon: Mapped[str]
    fiscal_year: Mapped[int]
    cost_per_participant_idr: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)


class Cohort(Base):
    """A run of a program; its taken_* counters are the seat picture, guarded by a row lock."""

    __tablename__ = "cohorts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"))
    name: Mapped[str]
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str]
    capacity: Mapped[int]
    regional_share_pct: Mapped[int]
    regional_share_reason: Mapped[str | None]  # why a coordinator set the share below the default
    reserved_regional: Mapped[int]
    dob_seats: Mapped[int]
    enrollment_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reservation_release_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reservations_released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    waitlist_limit: Mapped[int | None]
    status: Mapped[str] = mapped_column(default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    taken_central: Mapped[int] = mapped_column(default=0)
    taken_regional: Mapped[int] = mapped_column(default=0)
    taken_dob: Mapped[int] = mapped_column(default=0)
    # Arrival counter: gives every nomination its first-come place in the cohort.
    next_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)

    def seat_plan(self) -> SeatPlan:
        """The plan in force: the configured reservations until they were released."""
        plan = SeatPlan(self.capacity, self.reserved_regional, self.dob_seats)
        return plan.released() if self.reservations_released_at is not None else plan

    def taken(self) -> Taken:
        return Taken(central=self.taken_central, regional=self.taken_regional, dob=self.taken_dob)

    def set_taken(self, taken: Taken) -> None:
        """New seat counters (the row must be locked); every change of seats is a new version."""
        self.taken_central, self.taken_regional, self.taken_dob = taken.central, taken.regional, taken.dob
        self.version += 1


class Enrollment(Base):
    __tablename__ = "enrollments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    cohort_id: Mapped[UUID] = mapped_column(ForeignKey("cohorts.id"))
    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"))
    nip: Mapped[str]
    institution_id: Mapped[UUID]  # the participant's institution when nominated
    nominated_by_id: Mapped[UUID]  # the institution of the nominating client
    participant_sector: Mapped[str]
    is_dob: Mapped[bool]
    seat_class: Mapped[str]
    funding_source: Mapped[str]
    status: Mapped[str]
    seq: Mapped[int] = mapped_column(BigInteger)
    attended_jp: Mapped[int | None]
    passed: Mapped[bool | None]
    funding_request_id: Mapped[UUID | None]
    reason: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)


class Plan(Base):
    """An institution's competency development plan (PP 11/2017 art. 205): one revision of it.

    Revisions of one plan share `lineage_id` (the first revision's id); an approved revision is never
    edited, a new draft revision supersedes it when approved.
    """

    __tablename__ = "plans"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    lineage_id: Mapped[UUID]
    revision: Mapped[int] = mapped_column(default=1)
    institution_id: Mapped[UUID]
    horizon: Mapped[str]
    first_year: Mapped[int]
    last_year: Mapped[int]
    status: Mapped[str] = mapped_column(default="draft")
    checks: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # what submitting found, kept as shown
    created_by: Mapped[str]
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None]
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    superseded_by_id: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)


class PlanItem(Base):
    """One planned development: for a person (NIP) or a target group (position kind and head count)."""

    __tablename__ = "plan_items"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("plans.id"))
    nip: Mapped[str | None]
    target_position_kind: Mapped[str | None]
    target_count: Mapped[int | None]
    competency_type: Mapped[str]
    competency_name: Mapped[str]
    need: Mapped[str]
    pattern: Mapped[str]
    category: Mapped[str]
    target_jp: Mapped[int]
    target_year: Mapped[int]
    planned_program_id: Mapped[UUID | None]
    planned_provider_id: Mapped[UUID | None]
    quarter: Mapped[int | None]
    estimated_cost_idr: Mapped[int] = mapped_column(BigInteger)
    funding_source: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CertificateSettings(Base):
    """A provider's certificate settings: its number pattern and who signs; a certificate keeps its own copy."""

    __tablename__ = "certificate_settings"

    provider_id: Mapped[UUID] = mapped_column(primary_key=True)
    number_pattern: Mapped[str]
    signer_name: Mapped[str]
    signer_post: Mapped[str]
    signer_nip: Mapped[str]
    signing_place: Mapped[str | None]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)


class CertificateCounter(Base):
    """The last certificate sequence of a provider in a year: its row lock numbers certificates without gaps."""

    __tablename__ = "certificate_counters"

    provider_id: Mapped[UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class Certificate(Base):
    """Proof that a participant passed (STTP / sertifikat): one per passed enrollment, as it was printed."""

    __tablename__ = "certificates"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    enrollment_id: Mapped[UUID] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    provider_id: Mapped[UUID]
    year: Mapped[int]  # the year the cohort ended: the year of the number and of the JP
    seq: Mapped[int] = mapped_column(BigInteger)
    number: Mapped[str]
    code: Mapped[str] = mapped_column(unique=True)  # the public verification code, unrelated to the number
    issued_on: Mapped[date] = mapped_column(Date)  # the completion's date in Jakarta (WIB)
    holder_name: Mapped[str]
    signer_name: Mapped[str | None]
    signer_post: Mapped[str | None]
    signer_nip: Mapped[str | None]
    signing_place: Mapped[str | None]
    status: Mapped[str] = mapped_column(default="valid")  # valid | revoked
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoke_reason: Mapped[str | None]
    revoked_by: Mapped[str | None]  # the client id that revoked it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)


class VerificationAttempts(Base):
    """Checks of the public verification page from one address in its current window (the rate limit)."""

    __tablename__ = "verification_attempts"

    address: Mapped[str] = mapped_column(primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int]


class SiasnMapping(Base):
    """A reference id SIASN needs that Sinergi does not hold, kept by an operator: (kind, Sinergi value) → SIASN id."""

    __tablename__ = "siasn_mappings"

    kind: Mapped[str] = mapped_column(primary_key=True)
    sinergi_value: Mapped[str] = mapped_column(primary_key=True)
    siasn_id: Mapped[str]
    label: Mapped[str | None]
    updated_by: Mapped[str]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)
