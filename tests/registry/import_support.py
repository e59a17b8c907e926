"""Helpers of the import tests: an office with a clerk, rows, an upload, and how many civil servants an office has."""

from __future__ import annotations

import io
import random
import uuid
from typing import Any

import httpx
import openpyxl

from tests.registry.support import create_institution, headers_for, make_nip, scalar
from tests.support.service import RunningService

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_used_ni_pppk: set[str] = set()


async def new_office(registry: RunningService, operator: dict[str, str]) -> dict[str, Any]:
    """An agency (its id and code) with a clerk's headers (read, registry:write)."""
    inst = await create_institution(registry, operator, kind="agency")
    clerk = await headers_for(registry, operator, inst["id"], "read", "registry:write")
    return {"id": inst["id"], "code": inst["code"], "clerk": clerk}


def make_ni_pppk(year: int | None = None) -> str:
    """A valid NI PPPK whose code (digits 13-14) is no month, so that it is never a valid NIP; unique."""
    while True:
        birth_year = random.randint(1970, 2000)
        appointed = year or random.randint(2019, 2024)
        number = f"{birth_year}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{appointed}"
        number += f"{random.randint(13, 99)}{random.randint(1, 2)}{random.randint(1, 999):03d}"
        if number not in _used_ni_pppk:
            _used_ni_pppk.add(number)
            return number


def row(institution_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "nip": make_nip(),
        "name": "Budi Santoso",
        "institution_id": institution_id,
        "employment": "PNS",
        "position_kind": "executor",
        **fields,
    }


def workbook(*rows: list[Any]) -> bytes:
    """An XLSX file whose first sheet holds these rows, the first being the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(svc: RunningService, headers: dict[str, str], content: bytes, content_type: str) -> httpx.Response:
    return await svc.client.post(
        "/civil-servants/import", content=content, headers={**headers, "Content-Type": content_type}
    )


async def count_in(svc: RunningService, institution_id: str) -> int:
    return int(
        await scalar(svc, "SELECT count(*) FROM civil_servants WHERE institution_id = $1", uuid.UUID(institution_id))
    )
