"""The asyncpg driver under a session: statements on it join the session's transaction, after its writes."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sinergi_shared.db import driver_of, make_engine, make_sessionmaker, transaction
from tests.support.stack import create_database, drop_database, sqlalchemy_url


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)


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
