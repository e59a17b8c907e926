"""The one Alembic environment every service's migrations/env.py delegates to, and the shared plumbing tables."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import Connection, MetaData
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import create_async_engine

from sinergi_shared.db import RETENTION_INDEXES, plumbing


def create_plumbing() -> None:
    """The tables every service database carries: event log, outbox, inbox, dead letters, idempotency keys."""
    plumbing.create_all(bind=op.get_bind())


def drop_plumbing() -> None:
    plumbing.drop_all(bind=op.get_bind())


def create_retention_indexes() -> None:
    """Index the times the retention job purges by; a database made after they joined the metadata has them."""
    for index in RETENTION_INDEXES:
        index.create(bind=op.get_bind(), checkfirst=True)


def drop_retention_indexes() -> None:
    for index in RETENTION_INDEXES:
        index.drop(bind=op.get_bind(), checkfirst=True)


def institution_replica_columns() -> list[sa.Column[Any]]:
    """The columns of a service's replica of the registry's institutions (the InstitutionSnapshot)."""
    return [
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("code", "name", "kind", "sector")),
        sa.Column("parent_id", UUID(as_uuid=True)),
        sa.Column("is_new_autonomous_region", sa.Boolean, nullable=False),
        sa.Column("region_code", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def add_succession_columns() -> None:
    """A replica's institutions learn who succeeded them and when (InstitutionSnapshot.successor_ids, succeeded_on)."""
    successors: sa.Column[list[Any]] = sa.Column(
        "successor_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"
    )
    op.add_column("institutions", successors)
    op.add_column("institutions", sa.Column("succeeded_on", sa.Date))


def drop_succession_columns() -> None:
    op.drop_column("institutions", "succeeded_on")
    op.drop_column("institutions", "successor_ids")


def run_migrations(target_metadata: MetaData, default_url: Callable[[], str]) -> None:
    """Migrate the database named by `-x url=`, `sqlalchemy.url`, or the service's settings, in that order."""
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or context.config.get_main_option("sqlalchemy.url")
        or default_url()
    )
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def online() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(online())
