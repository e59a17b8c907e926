"""The asyncpg driver under a session, and the session-less instances the driver path makes."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sinergi_shared.db import detached, driver_of, make_engine, make_sessionmaker, transaction
from tests.support.stack import create_database, drop_database, sqlalchemy_url


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str | None]
    pinned: Mapped[bool | None]


async def test_a_driver_statement_sees_what_the_session_wrote_before_it_and_commits_with_it() -> None:
    dsn = await create_database("driver-of")
    engine = make_engine(sqlalchemy_url(dsn))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
        sessions = make_sessionmaker(engine)
        async with transaction(sessions) as session:
            await session.execute(text("SELECT 1"))  # the transaction begins on the server
            session.add(Note(id=7))  # pending in the session, as a consumer's earlier handler may leave it
            driver = await driver_of(session)
            assert await driver.fetchval("SELECT count(*) FROM notes WHERE id = 7") == 1
            await driver.execute("INSERT INTO notes (id) VALUES (8)")
        async with transaction(sessions) as session:
            stored = await session.scalars(text("SELECT id FROM notes ORDER BY id"))
            assert list(stored) == [7, 8]
    finally:
        await engine.dispose()
        await drop_database(dsn)


def test_a_detached_instance_holds_the_values_given_and_reads_none_for_the_columns_not_given() -> None:
    note = detached(Note, id=3, body="rapat koordinasi")
    assert (note.id, note.body, note.pinned) == (3, "rapat koordinasi", None)
    made = Note(id=3, body="rapat koordinasi")  # as the constructor would have made it
    assert (made.id, made.body, made.pinned) == (note.id, note.body, note.pinned)
    note.pinned = True  # and it takes a change afterwards like any instance
    assert note.pinned is True


def test_a_detached_instance_refuses_a_name_that_is_not_a_column() -> None:
    with pytest.raises(TypeError, match="Note has no column title"):
        detached(Note, id=1, title="x")
