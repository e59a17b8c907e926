"""Request and response bodies of the SIASN export and its mappings (SPEC §5b)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from enrollment.domain.siasn import History, MappingKind
from enrollment.schemas import Request, Text
from sinergi_shared.http import Paging

# SIASN's reference ids seen in integrations: 32-hex ids, small integers, one-letter codes ("P", "-").
SIASN_ID_PATTERN = r"^[A-Za-z0-9._:/-]{1,64}$"


class MappingIn(Request):
    siasn_id: str = Field(
        pattern=SIASN_ID_PATTERN, description="The id in SIASN's reference (e.g. instansiId, jenisDiklatId)"
    )
    label: Text | None = Field(default=None, max_length=200, description="What the id names, for the operator")


class MappingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: MappingKind
    sinergi_value: str
    siasn_id: str
    label: str | None
    updated_by: str
    updated_at: datetime
    version: int


class MappingPage(BaseModel):
    items: list[MappingOut]
    next_cursor: str | None


class Unmapped(BaseModel):
    """A passed completion left out of the rows, with what it lacks (a mapping kind, organizer or certificate)."""

    enrollment_id: UUID
    nip: str
    program_id: UUID
    pattern: str
    missing: list[str]


class SiasnExport(BaseModel):
    """One SIASN history's rows for an institution's passed completions, and those that could not be made."""

    institution_id: UUID
    history: History
    fields: list[str] = Field(description="The SIASN field names of every row, in the CSV's column order")
    rows: list[dict[str, str | int]]
    unmapped: list[Unmapped]


class MappingFilters(Paging):
    kind: MappingKind | None = None
