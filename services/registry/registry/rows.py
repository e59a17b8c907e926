"""The registry's versioned rows: each inserted once by its natural key, listed in that key's order, and every
change counted in its version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from registry.models import CivilServant, Institution
from sinergi_shared.http import Paging, decode_cursor, encode_cursor, page

Row = TypeVar("Row", Institution, CivilServant)


async def insert_new(session: AsyncSession, entity: type[Row], *, key: str, values: dict[str, Any]) -> Row | None:
    """The new row, active at version 1; None when a row with the same key exists."""
    now = datetime.now(UTC)
    # ON CONFLICT keeps the unit of work usable when two requests race for the same key.
    stmt = (
        pg_insert(entity)
        .values(**values, status="active", version=1, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(entity)
    )
    return (await session.scalars(stmt)).one_or_none()


async def count_change(session: AsyncSession, row: Institution | CivilServant) -> None:
    """Count a change in the row's version and time, and write it, so its event shows the row as it now is."""
    row.version += 1
    row.updated_at = datetime.now(UTC)
    await session.flush()


async def key_page(
    session: AsyncSession, stmt: Select[Any], key: InstrumentedAttribute[str], paging: Paging
) -> dict[str, Any]:
    """One page of the statement's rows in the order of their unique key, after the cursor (the last key seen)."""
    if paging.cursor is not None:
        [after] = decode_cursor(paging.cursor, 1)
        stmt = stmt.where(key > after)
    rows = list(await session.scalars(stmt.order_by(key).limit(paging.limit + 1)))
    return page(rows, paging.limit, lambda last: encode_cursor(getattr(last, key.key)))
