"""Request and response bodies of certificates, their provider settings and the public verification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field

from enrollment import messages
from enrollment.domain import certificates as rules
from enrollment.domain.development import Category, Pattern
from enrollment.schemas import NIP_PATTERN, Request, Text

CertificateStatus = Literal["valid", "revoked"]


def _filled(value: str) -> str:
    if not value.strip():
        raise ValueError(messages.CERTIFICATE_BLANK())
    return value.strip()


def _usable_pattern(value: str) -> str:
    problem = rules.pattern_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Filled = Annotated[Text, AfterValidator(_filled)]


class CertificateSettingsIn(Request):
    number_pattern: Annotated[Text, AfterValidator(_usable_pattern)] = Field(
        default=rules.DEFAULT_PATTERN,
        max_length=120,
        description="Text with {code} (the provider's registry code), {year} (the year the cohort ended) and "
        "{seq} (the provider's sequence in that year, {seq:04} zero-padded); {year} and {seq} are required",
    )
    signer_name: Filled = Field(max_length=200, description="As printed, with titles: Dr. Andi Wijaya, M.Si.")
    signer_post: Filled = Field(max_length=200, description="The signer's post: Kepala BPSDM Kemendagri")
    signer_nip: str = Field(pattern=NIP_PATTERN, description="The signer's 18-digit NIP")
    signing_place: Filled | None = Field(
        default=None, max_length=100, description="Where the certificate is signed, printed before the date: Jakarta"
    )


class CertificateSettingsOut(BaseModel):
    provider_id: UUID
    configured: bool = Field(description="False: nothing set yet; certificates get the default pattern, no signer")
    number_pattern: str
    example_number: str = Field(description="The number the pattern gives a first certificate this year")
    signer_name: str | None
    signer_post: str | None
    signer_nip: str | None
    signing_place: str | None
    updated_at: datetime | None
    version: int


class RevocationIn(Request):
    reason: Filled = Field(max_length=500, description="Why the certificate no longer holds; shown to verifiers")


class CertificateOut(BaseModel):
    id: UUID
    enrollment_id: UUID
    number: str
    status: CertificateStatus
    code: str = Field(description="The verification code: the public page /verify/{code}")
    verification_url: str
    year: int = Field(description="The year the cohort ended: the year of the number and of the JP")
    issued_on: date = Field(description="The completion's date in Jakarta (WIB)")
    holder_name: str
    holder_nip: str
    holder_employment: str | None
    holder_institution_id: UUID
    holder_institution_name: str | None
    program_id: UUID
    program_title: str
    pattern: Pattern
    category: Category
    jp: int = Field(description="The JP credited: attended JP of the passed completion")
    hours_jp: int = Field(description="The program's JP")
    starts_on: date
    ends_on: date
    provider_id: UUID
    provider_code: str | None
    provider_name: str | None
    provider_parent_name: str | None = Field(description="The provider's K/L or Pemda, printed above it")
    signer_name: str | None
    signer_post: str | None
    signer_nip: str | None
    signing_place: str | None
    revoked_at: datetime | None
    revoke_reason: str | None
    created_at: datetime
    version: int


class VerificationOut(BaseModel):
    """What anyone holding the code may know: whether the certificate holds, what for, from whom, and a masked name."""

    status: CertificateStatus
    summary: str = Field(description="One sentence for a person, in the request's language")
    number: str
    holder: str = Field(description="The holder's name, partly masked: compare it with the paper")
    program_title: str
    pattern: Pattern
    jp: int
    starts_on: date
    ends_on: date
    issued_on: date
    provider_name: str | None
    revoked_at: datetime | None
    revoke_reason: str | None
