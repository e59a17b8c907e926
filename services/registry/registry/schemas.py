"""Request and response bodies of the registry API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, computed_field, field_validator
from pydantic.json_schema import SkipJsonSchema

from registry import messages
from registry.domain.hierarchy import CODE_PATTERN
from registry.domain.regions import is_bps_code, kemendagri_code
from sinergi_shared.http import Paging
from sinergi_shared.payloads import (
    CivilServantSnapshot,
    Employment,
    InstitutionKind,
    InstitutionSnapshot,
    PositionKind,
    PositionLevel,
    Sector,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Request(BaseModel):
    """Requests reject fields they do not define (e.g. a derived `sector`)."""

    model_config = ConfigDict(extra="forbid")


# --- institutions ------------------------------------------------------------------------

REGION_CODE_DOC = (
    "Kemendagri region code (kode wilayah, Kepmendagri 100.1.1-6117/2022): NN for a province, NN.NN for a "
    "regency (01-69) or city (71-99) beginning with its province's code, e.g. 93.01; NNNN is read as NN.NN"
)
BPS_CODE_DOC = "BPS code where known, numbered apart from Kemendagri's: 2 digits for a province, 4 for a regency/city"


def _region_codes(value: str | None, info: ValidationInfo) -> str | None:
    """region_code as Kemendagri writes it (NNNN becomes NN.NN); bps_code in BPS's shape."""
    if value is None:
        return None
    if info.field_name == "region_code":
        code = kemendagri_code(value)
        if code is None:
            raise ValueError(messages.KEMENDAGRI_FORMAT())
        return code
    if not is_bps_code(value.strip()):
        raise ValueError(messages.BPS_FORMAT())
    return value.strip()


class InstitutionCreate(Request):
    code: str = Field(description="Unique code in capitals, e.g. BPSDM-KEMENDAGRI", max_length=64)
    name: Name
    kind: InstitutionKind
    parent_id: UUID | None = None
    is_new_autonomous_region: bool = False
    region_code: str | None = Field(default=None, max_length=16, description=REGION_CODE_DOC)
    bps_code: str | None = Field(default=None, max_length=16, description=BPS_CODE_DOC)
    _codes = field_validator("region_code", "bps_code")(_region_codes)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not CODE_PATTERN.match(value):
            raise ValueError(messages.INSTITUTION_CODE_FORMAT())
        return value


class InstitutionUpdate(Request):
    """Only the fields sent change; parent_id, region_code or bps_code sent as null clear them."""

    name: Name | None = None
    region_code: str | None = Field(default=None, max_length=16, description=REGION_CODE_DOC)
    bps_code: str | None = Field(default=None, max_length=16, description=BPS_CODE_DOC)
    parent_id: UUID | None = None
    is_new_autonomous_region: bool | None = None
    _codes = field_validator("region_code", "bps_code")(_region_codes)


class InstitutionOut(InstitutionSnapshot):
    """The snapshot the events carry, and when the institution was registered and last changed."""

    model_config = ConfigDict(from_attributes=True)

    # Not in the events: the replicas copy the snapshot column for column and have no use for it.
    bps_code: str | None = Field(default=None, description=BPS_CODE_DOC)
    created_at: datetime
    updated_at: datetime


class InstitutionDetail(InstitutionOut):
    """One institution as a single read or write answers it: also who it succeeded."""

    predecessor_ids: list[UUID] = Field(
        default_factory=list, description="The institutions that name this one among their successor_ids"
    )


class Succession(Request):
    """The institutions that carry on an institution's work from a day on (a ministry split or merged)."""

    successor_ids: list[UUID] = Field(
        min_length=1, max_length=20, description="One successor (a merger or a rename) or several (a split)"
    )
    effective_on: date = Field(description="The day the successors took over, e.g. 2024-10-21; not in the future")

    @field_validator("successor_ids")
    @classmethod
    def _distinct(cls, ids: list[UUID]) -> list[UUID]:
        if len(set(ids)) != len(ids):
            raise ValueError(messages.SUCCESSOR_TWICE())
        return ids


class InstitutionFilters(Paging):
    kind: InstitutionKind | None = None
    sector: Sector | None = None
    dob: bool | None = Field(default=None, description="Only new autonomous regions (true) or only others (false)")
    parent_id: UUID | None = None
    q: str | None = Field(default=None, max_length=100, description="Part of the name or code")
    status: str | None = Field(default=None, pattern="^(active|inactive)$")


class InstitutionPage(BaseModel):
    items: list[InstitutionOut]
    next_cursor: str | None


# --- civil servants ----------------------------------------------------------------------


class CivilServantFields(Request):
    """A civil servant's own fields, without the institution."""

    nip: str = Field(
        max_length=64,
        description="18 digits. PNS (NIP): birth date YYYYMMDD, TMT month YYYYMM, gender 1/2, serial. "
        "PPPK (NI PPPK): birth date YYYYMMDD, appointment year YYYY, a 2-digit code, gender 1/2, serial.",
    )
    name: Name
    employment: Employment = Field(description="Decides the rule the number follows: NIP (PNS) or NI PPPK (PPPK)")
    position_kind: PositionKind
    position_title: ShortText | None = None
    grade: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None = None
    position_level: PositionLevel | None = Field(
        default=None, description="A structural post's level; jpt_* (JPT) exempts a PPPK from the 24 JP maximum"
    )

    @field_validator("position_level")
    @classmethod
    def _structural_only(cls, level: str | None, info: ValidationInfo) -> str | None:
        if level is not None and info.data.get("position_kind") != "structural":
            raise ValueError(messages.LEVEL_ONLY_STRUCTURAL())
        return level


class CivilServantCreate(CivilServantFields):
    institution_id: UUID


class CivilServantImportRow(CivilServantFields):
    """One civil servant of an import, whose institution is named by its id or by its code (or both, agreeing)."""

    institution_id: UUID | None = None
    institution_code: str | None = Field(default=None, max_length=64, description="e.g. BPSDM-KEMENDAGRI")


class CivilServantOut(CivilServantSnapshot):
    """The snapshot the events carry (a transfer's previous institution aside), the NIP's facts and the times."""

    model_config = ConfigDict(from_attributes=True)

    previous_institution_id: SkipJsonSchema[UUID | None] = Field(default=None, exclude=True)
    birth_date: str = Field(description="From the NIP, YYYY-MM-DD")
    # Stored as the first day of the TMT month (PNS) or of the appointment year (PPPK).
    appointment: SkipJsonSchema[date] = Field(validation_alias="appointment_month", exclude=True)
    gender: Literal[1, 2]
    created_at: datetime
    updated_at: datetime

    @field_validator("birth_date", mode="before")
    @classmethod
    def _birth_date(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    @computed_field(description="First appointment (TMT) month from a PNS's NIP, YYYY-MM; null for a PPPK")
    def appointment_month(self) -> str | None:
        return None if self.employment == "PPPK" else self.appointment.strftime("%Y-%m")

    @computed_field(description="Year of first appointment, from the NIP or the NI PPPK")
    def appointment_year(self) -> int:
        return self.appointment.year


class CivilServantFilters(Paging):
    institution_id: UUID | None = None
    status: str | None = Field(default=None, pattern="^(active|retired)$")


class CivilServantPage(BaseModel):
    items: list[CivilServantOut]
    next_cursor: str | None


class TransferRequest(Request):
    institution_id: UUID


class FieldError(BaseModel):
    field: str
    message: str
    code: str | None = None


class RejectedRow(BaseModel):
    line: int = Field(
        description="CSV: the file line, XLSX: the sheet row (the header is line 1); JSON: the position in the array"
    )
    nip: str | None
    errors: list[FieldError]


class ImportReport(BaseModel):
    imported: int
    rejected: list[RejectedRow]


# --- clients and tokens ------------------------------------------------------------------


class ClientCreate(Request):
    institution_id: UUID
    scopes: list[str] = Field(min_length=1, max_length=20)
    name: Name


class ClientCreated(BaseModel):
    client_id: str
    client_secret: str = Field(description="Shown once; only a hash is stored")
    name: str
    institution_id: UUID
    scopes: list[str]


class ClientOut(BaseModel):
    """An API client as an operator sees it; never its secret."""

    model_config = ConfigDict(from_attributes=True)

    client_id: str
    name: str
    institution_id: UUID
    scopes: list[str]
    created_at: datetime
    secret_rotated_at: datetime | None
    revoked_at: datetime | None

    @computed_field(description="revoked: no more tokens, and those issued before revoked_at are refused")
    def status(self) -> Literal["active", "revoked"]:
        return "active" if self.revoked_at is None else "revoked"


class ClientFilters(Paging):
    institution_id: UUID | None = None
    status: Literal["active", "revoked"] | None = None


class ClientPage(BaseModel):
    items: list[ClientOut]
    next_cursor: str | None


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
