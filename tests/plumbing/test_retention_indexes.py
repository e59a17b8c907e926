"""Every service's database indexes the times the retention job purges by, however old the database is."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from sinergi_shared.db import RETENTION_INDEXES
from tests.support.stack import REPO, create_database, drop_database, migrate, sqlalchemy_url


async def _alembic(service: str, dsn: str, *args: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        str(REPO / ".venv" / "bin" / "alembic"),
        "-c",
        str(REPO / "services" / service / "alembic.ini"),
        "-x",
        f"url={sqlalchemy_url(dsn)}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=str(REPO),
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()


async def _indexes(dsn: str) -> set[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return {r["indexname"] for r in await conn.fetch("SELECT indexname FROM pg_indexes")}
    finally:
        await conn.close()


@pytest.mark.parametrize("service", ["registry", "enrollment", "funding"])
async def test_the_retention_indexes_come_with_the_migrations_and_go_with_a_downgrade(service: str) -> None:
    wanted = {index.name for index in RETENTION_INDEXES}
    dsn = await create_database(f"retention_{service}")
    try:
        await migrate(service, dsn)
        assert wanted <= await _indexes(dsn)
        await _alembic(service, dsn, "downgrade", "-1")
        assert not wanted & await _indexes(dsn)
        await _alembic(service, dsn, "upgrade", "head")
        assert wanted <= await _indexes(dsn)
    finally:
        await drop_database(dsn)
